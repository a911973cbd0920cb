"""The cat-tax cog (`cog.py`); rules and storage live in `bot/cattax/`."""

from cogs.cattax.cog import CatTax


async def setup(bot) -> None:
    await bot.add_cog(CatTax(bot))
