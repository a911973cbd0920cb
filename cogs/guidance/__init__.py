"""Censorship-keyword guidance: the `/guidance` commands and the message listener."""

from cogs.guidance.cog import Guidance


async def setup(bot) -> None:
    await bot.add_cog(Guidance(bot))
