"""Topic rooms: the cog (`cog.py`) and its commands by concern: `rooms.py` (moderators make and
keep rooms), `icebreakers.py` (prompts now or daily), `membership.py` (join, leave, lists);
`common.py` holds what they share. Rules and storage live in `bot/topics/`."""

from cogs.topics.cog import Topics


async def setup(bot) -> None:
    await bot.add_cog(Topics(bot))
