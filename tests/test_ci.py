"""CI and the test servers: .ci/run runs the README's test command as written, with the plugins
the test extras install; a missing server is a skip saying why on a developer's machine and a
failure under CI=true; Redis tests keep to keys of their own."""

from __future__ import annotations

import re
import shlex
import socket
import tomllib

import pytest

import tests.conftest as fixtures
from tests.conftest import REPO_ROOT, RedisTarget, _redis_command


def readme_test_command() -> str:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("**Run the tests**", 1)[1]
    [command] = re.findall(r"```sh\n(.*?)\n```", section, flags=re.S)[:1]
    return command.strip()


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    command = readme_test_command()
    assert "pytest" in command
    lines = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command in [line.strip() for line in lines]


def test_the_test_extras_install_what_the_test_command_uses() -> None:
    words = shlex.split(readme_test_command().rsplit("&&", 1)[1])
    extras = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]["test"]
    installed = {re.split(r"[<>=!~\[ ]", requirement, maxsplit=1)[0].lower() for requirement in extras}
    assert "pytest" in installed
    if "-n" in words or any(word.startswith("--numprocesses") for word in words):
        assert "pytest-xdist" in installed
    assert "-rs" in words  # skip reasons are printed


def test_a_missing_server_skips_with_its_reason_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fixtures, "RUNNING_IN_CI", False)
    with pytest.raises(pytest.skip.Exception, match="Redis not reachable at redis://x"):
        fixtures.server_missing("Redis not reachable at redis://x (ConnectionRefusedError)")


def test_a_missing_server_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fixtures, "RUNNING_IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="under CI=true a missing server is a failure"):
        fixtures.server_missing("Redis not reachable at redis://x (ConnectionRefusedError)")


async def test_redis_on_a_closed_port_is_reported_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(fixtures, "REDIS_URL", f"redis://127.0.0.1:{port}/0")
    problem = await fixtures._redis_available()
    assert problem is not None and "ConnectionRefusedError" in problem


async def test_redis_target_gives_each_test_its_own_keys_and_deletes_them(redis_target: RedisTarget) -> None:
    key = f"{redis_target.prefix}greeting"
    assert await _redis_command("SET", key, "你好") == b"+OK"
    assert await _redis_command("EXISTS", key) == b":1"
    agen = fixtures.redis_target.__wrapped__()  # a second test's target, torn down here
    other = await agen.__anext__()
    assert other.prefix != redis_target.prefix
    await _redis_command("SET", f"{other.prefix}greeting", "hello")
    with pytest.raises(StopAsyncIteration):
        await agen.__anext__()
    assert await _redis_command("EXISTS", f"{other.prefix}greeting") == b":0"
    assert await _redis_command("EXISTS", key) == b":1"  # the other test's teardown left ours alone


def test_tests_taking_redis_are_marked_for_ci(request: pytest.FixtureRequest) -> None:
    items = [item for item in request.session.items if item.name == "test_redis_target_gives_each_test_its_own_keys_and_deletes_them"]
    assert items and all(item.get_closest_marker("redis") for item in items)
