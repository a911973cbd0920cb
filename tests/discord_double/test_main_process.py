"""The double as its own process: seeded guild, printed URLs, control API."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]


async def test_standalone_double_with_seed_file_and_control_api(tmp_path: Path) -> None:
    scenario = {"guilds": [{"name": "Seeded", "channels": [{"name": "general"}],
                            "members": [{"username": "alice", "display_name": "Alice"}]}]}
    seed = tmp_path / "scenario.json"
    seed.write_text(json.dumps(scenario))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "discord_double", "--port", "0", "--seed-file", str(seed),
        cwd=ROOT, stdout=asyncio.subprocess.PIPE, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    try:
        lines = {}
        while len(lines) < 4:
            line = (await asyncio.wait_for(proc.stdout.readline(), 10)).decode().strip()
            assert line, "double exited early"
            key, _, value = line.partition("=")
            lines[key] = value
        base = lines["DISCORD_API_BASE_URL"].removesuffix("/api/v10")
        assert lines["DISCORD_GATEWAY_URL"] == base.replace("http://", "ws://") + "/gateway"
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/_double/state") as response:
                state = await response.json()
            guild = state["guilds"][0]
            channel = next(c for c in guild["channels"] if c["name"] == "general")
            alice = next(m for m in guild["members"] if m["username"] == "alice")
            async with http.post(f"{base}/_double/members/{alice['id']}/messages",
                                 json={"channel_id": channel["id"], "content": "hi from a process"}) as response:
                assert response.status == 200
            async with http.get(f"{base}/_double/channels/{channel['id']}/view") as response:
                view = await response.json()
            async with http.get(f"{lines['DISCORD_API_BASE_URL']}/users/@me",
                                headers={"Authorization": "Bot nope"}) as response:
                assert response.status == 401 and response.headers["Content-Type"] == "application/json"
        assert [(v["author"], v["content"]) for v in view] == [("Alice", "hi from a process")]
    finally:
        proc.terminate()
        await proc.wait()


async def test_control_api_opens_forum_posts_with_tags(tmp_path: Path) -> None:
    scenario = {"guilds": [{"name": "Seeded", "channels": [{"name": "help", "type": "forum", "tags": [["Bug", "🐛"], "Idea"]}],
                            "members": [{"username": "alice", "display_name": "Alice"}]}]}
    seed = tmp_path / "scenario.json"
    seed.write_text(json.dumps(scenario))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "discord_double", "--port", "0", "--seed-file", str(seed),
        cwd=ROOT, stdout=asyncio.subprocess.PIPE, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    try:
        lines = {}
        while len(lines) < 4:
            line = (await asyncio.wait_for(proc.stdout.readline(), 10)).decode().strip()
            assert line, "double exited early"
            key, _, value = line.partition("=")
            lines[key] = value
        base = lines["DISCORD_API_BASE_URL"].removesuffix("/api/v10")
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/_double/state") as response:
                guild = (await response.json())["guilds"][0]
            forum = next(c for c in guild["channels"] if c["name"] == "help")
            alice = next(m for m in guild["members"] if m["username"] == "alice")
            assert [(t["name"], t["emoji_name"]) for t in forum["available_tags"]] == [("Bug", "🐛"), ("Idea", None)]
            async with http.post(f"{base}/_double/members/{alice['id']}/posts",
                                 json={"forum_id": forum["id"], "name": "It crashes", "content": "on start", "tags": ["Bug"]}) as response:
                assert response.status == 200
                opened = await response.json()
            async with http.post(f"{base}/_double/members/{alice['id']}/posts",
                                 json={"forum_id": forum["id"], "name": "x", "content": "y", "tags": ["Nope"]}) as response:
                assert response.status == 400
            async with http.get(f"{base}/_double/state") as response:
                channels = (await response.json())["guilds"][0]["channels"]
            async with http.get(f"{base}/_double/channels/{opened['thread']['id']}/view") as response:
                view = await response.json()
        post = next(c for c in channels if c["id"] == opened["thread"]["id"])
        bug = forum["available_tags"][0]["id"]
        assert post["parent_id"] == forum["id"] and post["applied_tags"] == [bug]
        assert opened["message"]["id"] == post["id"] and [v["content"] for v in view] == ["on start"]
    finally:
        proc.terminate()
        await proc.wait()
