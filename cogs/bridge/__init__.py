"""The bridge cog: relays translated copies between English and Chinese channels.

Gateway event → `cogs/bridge/cog.py` (listeners, `/bridge` commands) → `bot/bridge/relay.py`
(plan, translate with `bot/pipeline` + `bot/translation`, format, ordered per-channel queues)
→ `cogs/bridge/sender.py` (one webhook per channel).

Other cogs use `bot.bridge_relay` (a `cogs.bridge.service.BridgeRelay`, None when the cog is not
loaded): `await relay_mixed(message, thread=None)`, `await register_mixed(channel_or_thread)`,
`await unregister(channel_id)`, `is_bridged(channel_id)`.
"""

from cogs.bridge.cog import BridgeCog


async def setup(bot) -> None:
    await bot.add_cog(BridgeCog(bot))
