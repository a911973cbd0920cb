"""The bridge cog: relays translated copies between English and Chinese channels.

Gateway event → `cogs/bridge/cog.py` (listeners) → `cogs/bridge/snapshot.py` (discord.Message →
OriginalMessage) → the engine in `bot/bridge/` (receive → plan → translate → compose → deliver →
remember) → `cogs/bridge/sender.py` (one webhook per channel). Commands by concern: `links.py`
(link, mixed, unlink, list, settings), `invites.py`, `optout.py`, `glossary.py`, `stats.py`,
`translate_menu.py`; listeners of `catch_up.py`, `paused.py` (destinations) and `threads.py`.

Other cogs use `bot.bridge_relay` (a `cogs.bridge.service.BridgeRelay`, None when the cog is not
loaded): `await relay_mixed(message, thread=None)`, `await register_mixed(channel_or_thread)`,
`await unregister(channel_id)`, `is_bridged(channel_id)`.
"""

from cogs.bridge.cog import BridgeCog


async def setup(bot) -> None:
    await bot.add_cog(BridgeCog(bot))
