"""SHARD_COUNT, SHARD_IDS and REDIS_URL: read, refused with one line naming the setting, and shown by doctor."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.doctor import run_doctor
from bot.settings import Settings, parse_shard_ids
from bot.sharding import owns_guild, shard_of
from tests.bot_process import VALID_TOKEN, bot_env, run_bot, closed_port


def read(**env: str):
    return Settings.read({"DISCORD_TOKEN": VALID_TOKEN, **env})


def test_unset_means_one_connection_for_every_server() -> None:
    settings = Settings.from_env({"DISCORD_TOKEN": VALID_TOKEN})
    assert (settings.shard_count, settings.shard_count_auto, settings.shard_ids, settings.redis_url) == (None, False, None, None)
    assert not settings.sharded and not settings.several_processes
    assert settings.owns_guild(123 << 22) and settings.owns_guild(124 << 22)


@pytest.mark.parametrize(("raw", "ids"), [
    ("0", (0,)), ("0-3", (0, 1, 2, 3)), ("0,2", (0, 2)), (" 4, 0-1 ", (0, 1, 4)), ("1-1", (1,)), ("2,2", (2,)),
])
def test_shard_ids_forms(raw: str, ids: tuple[int, ...]) -> None:
    assert parse_shard_ids(raw) == ids


def test_all_shards_in_one_process_needs_no_redis() -> None:
    settings = Settings.from_env({"DISCORD_TOKEN": VALID_TOKEN, "SHARD_COUNT": "4", "SHARD_IDS": "0-3"})
    assert settings.sharded and not settings.several_processes
    assert settings.shard_ids == (0, 1, 2, 3)


def test_auto_takes_discords_recommendation() -> None:
    settings = Settings.from_env({"DISCORD_TOKEN": VALID_TOKEN, "SHARD_COUNT": "AUTO"})
    assert settings.sharded and settings.shard_count_auto and settings.shard_count is None and settings.shard_ids is None


def test_a_part_of_the_shards_with_redis_is_several_processes_and_owns_only_its_servers() -> None:
    settings = Settings.from_env({
        "DISCORD_TOKEN": VALID_TOKEN, "SHARD_COUNT": "3", "SHARD_IDS": "0,2", "REDIS_URL": "redis://:s3cret@127.0.0.1:6379/1",
    })
    assert settings.several_processes
    owned = {n: settings.owns_guild(n << 22) for n in range(6)}
    assert owned == {0: True, 1: False, 2: True, 3: True, 4: False, 5: True}
    assert "s3cret" in settings.secret_values()
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(("env", "named", "says"), [
    ({"SHARD_COUNT": "two"}, "SHARD_COUNT", "expected a number of shards from 1"),
    ({"SHARD_COUNT": "0"}, "SHARD_COUNT", "expected a number of shards from 1"),
    ({"SHARD_COUNT": "-2"}, "SHARD_COUNT", "or auto"),
    ({"SHARD_IDS": "0"}, "SHARD_IDS", "needs SHARD_COUNT"),
    ({"SHARD_COUNT": "auto", "SHARD_IDS": "0"}, "SHARD_IDS", "SHARD_COUNT=auto"),
    ({"SHARD_COUNT": "2", "SHARD_IDS": "2", "REDIS_URL": "redis://127.0.0.1"}, "SHARD_IDS", "shard 2 does not exist with SHARD_COUNT=2"),
    ({"SHARD_COUNT": "4", "SHARD_IDS": "0-x", "REDIS_URL": "redis://127.0.0.1"}, "SHARD_IDS", "expected shard ids such as 0, 0-3 or 0,2"),
    ({"SHARD_COUNT": "4", "SHARD_IDS": "3-1", "REDIS_URL": "redis://127.0.0.1"}, "SHARD_IDS", "runs backwards"),
    ({"SHARD_COUNT": "4", "SHARD_IDS": "one", "REDIS_URL": "redis://127.0.0.1"}, "SHARD_IDS", "expected shard ids"),
    ({"SHARD_COUNT": "4", "SHARD_IDS": ",", "REDIS_URL": "redis://127.0.0.1"}, "SHARD_IDS", "expected shard ids"),
    ({"SHARD_COUNT": "2", "SHARD_IDS": "1"}, "REDIS_URL", "set REDIS_URL="),
    ({"REDIS_URL": "http://127.0.0.1:6379"}, "REDIS_URL", "expected redis://host:6379/0"),
    ({"REDIS_KEY_PREFIX": "two words"}, "REDIS_KEY_PREFIX", "without spaces"),
])
def test_bad_values_get_one_line_naming_the_setting(env: dict[str, str], named: str, says: str) -> None:
    reading = read(**env)
    assert len(reading.problems) == 1, reading.problems
    [problem] = reading.problems
    assert named in problem and says in problem
    assert "\n" not in problem
    assert named in reading.invalid


def test_routing_is_discords() -> None:
    guild_id = 1_325_000_000_000_000_000
    assert shard_of(guild_id, 4) == (guild_id >> 22) % 4
    assert owns_guild(guild_id, 4, [shard_of(guild_id, 4)])
    assert not owns_guild(guild_id, 4, [(shard_of(guild_id, 4) + 1) % 4])
    assert owns_guild(guild_id, None, None) and owns_guild(guild_id, 4, None)


@pytest.mark.parametrize(("env", "line"), [
    ({"SHARD_IDS": "0-1"}, "SHARD_IDS='0-1' needs SHARD_COUNT"),
    ({"SHARD_COUNT": "2", "SHARD_IDS": "1"}, "set REDIS_URL=redis://host:6379/0"),
    ({"SHARD_COUNT": "lots"}, "SHARD_COUNT='lots'"),
])
async def test_python_m_bot_refuses_bad_shard_settings_with_one_line(tmp_path: Path, env: dict[str, str], line: str) -> None:
    finished = await run_bot(env=bot_env(tmp_path, DISCORD_TOKEN=VALID_TOKEN, **env), cwd=tmp_path)
    assert finished.returncode == 2
    assert len(finished.error_lines) == 1, finished.stderr
    assert finished.error_lines[0].startswith("Qiao cannot start: ") and line in finished.error_lines[0]


async def test_doctor_lists_shard_problems_and_skips_the_redis_check(tmp_path: Path) -> None:
    out = io.StringIO()
    code = await run_doctor({
        "DISCORD_TOKEN": VALID_TOKEN, "DATABASE_URL": f"sqlite:///{tmp_path / 'q.sqlite3'}",
        "DISCORD_API_BASE_URL": f"http://127.0.0.1:{closed_port()}/api/v10", "SHARD_COUNT": "2", "SHARD_IDS": "0",
    }, out)
    text = out.getvalue()
    assert code == 1
    assert "✗ settings:" in text and "SHARD_IDS='0' runs 1 of 2 shards here" in text
    assert "✓ shards: this process runs 1 of 2 shards (0)" in text
    assert "✗ redis: not checked: REDIS_URL must be fixed first" in text


async def test_doctor_checks_redis_when_it_is_set(tmp_path: Path, redis_target) -> None:
    base = {"DISCORD_TOKEN": VALID_TOKEN, "DATABASE_URL": f"sqlite:///{tmp_path / 'q.sqlite3'}",
            "DISCORD_API_BASE_URL": f"http://127.0.0.1:{closed_port()}/api/v10", "SHARD_COUNT": "2", "SHARD_IDS": "1"}
    out = io.StringIO()
    await run_doctor({**base, "REDIS_URL": redis_target.url}, out)
    assert "✓ redis: redis://127.0.0.1:6379" in out.getvalue()
    assert "✓ shards: this process runs 1 of 2 shards (1); the others in other processes sharing REDIS_URL" in out.getvalue()
    out = io.StringIO()
    await run_doctor({**base, "REDIS_URL": f"redis://127.0.0.1:{closed_port()}/0"}, out)
    assert "✗ redis: cannot reach" in out.getvalue() and "fix: check REDIS_URL" in out.getvalue()
