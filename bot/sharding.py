"""Which shard, and so which process, serves a server: Discord's routing, (server id >> 22) % shard count."""

from __future__ import annotations

from collections.abc import Collection


def shard_of(guild_id: int, shard_count: int) -> int:
    return (guild_id >> 22) % shard_count


def owns_guild(guild_id: int, shard_count: int | None, shard_ids: Collection[int] | None) -> bool:
    """Whether the shards `shard_ids` of `shard_count` serve the server (no sharding, or all shards: always)."""
    if shard_count is None or shard_ids is None:
        return True
    return shard_of(guild_id, shard_count) in shard_ids
