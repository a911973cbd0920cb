"""The deploy files (Dockerfile, compose.yaml, deploy/k8s/) parse, name only settings the bot knows, and give
the processes shard ranges that cover every shard once."""

from __future__ import annotations

import re
import subprocess

import pytest
import yaml

from bot.settings import CORE_ENV_VARS, Settings
from bot.translation.settings import TRANSLATION_ENV_VARS
from tests.bot_process import REPO_ROOT, VALID_TOKEN

KNOWN_SETTINGS = {name for name, _, _ in CORE_ENV_VARS + TRANSLATION_ENV_VARS}


def shards_of(reading_env: dict[str, str]) -> tuple[int, tuple[int, ...]]:
    """Settings as the bot reads them (every value valid), and the shards the process runs."""
    reading = Settings.read({"DISCORD_TOKEN": VALID_TOKEN, **reading_env})
    assert reading.problems == [], reading.problems
    settings = reading.settings
    return settings.shard_count, settings.shard_ids


def compose() -> dict:
    return yaml.safe_load((REPO_ROOT / "compose.yaml").read_text())


def statefulset_documents() -> list[dict]:
    return list(yaml.safe_load_all((REPO_ROOT / "deploy" / "k8s" / "statefulset.yaml").read_text()))


def test_compose_bot_processes_name_known_settings_and_cover_every_shard_once() -> None:
    services = compose()["services"]
    bots = {name: service for name, service in services.items() if "build" in service}
    assert len(bots) >= 2 and {"postgres", "redis"} <= set(services)
    covered: list[int] = []
    counts = set()
    for name, service in bots.items():
        environment = {key: str(value) for key, value in service["environment"].items()}
        assert set(environment) <= KNOWN_SETTINGS, f"{name}: {set(environment) - KNOWN_SETTINGS}"
        count, ids = shards_of(environment)
        counts.add(count)
        covered += ids
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        port = environment["METRICS_PORT"]
        assert f"127.0.0.1:{port}/healthz" in " ".join(service["healthcheck"]["test"])
        assert environment["REDIS_URL"].startswith("redis://redis:") and "@postgres:" in environment["DATABASE_URL"]
    [count] = counts
    assert sorted(covered) == list(range(count))


def test_the_statefulset_derives_shard_ids_from_the_pod_ordinal() -> None:
    documents = statefulset_documents()
    [statefulset] = [document for document in documents if document["kind"] == "StatefulSet"]
    spec = statefulset["spec"]
    [container] = spec["template"]["spec"]["containers"]
    environment = {item["name"]: item["value"] for item in container["env"]}
    assert set(environment) <= KNOWN_SETTINGS, set(environment) - KNOWN_SETTINGS
    script = container["command"][-1]
    assert "exec python -m bot" in script
    covered: list[int] = []
    for ordinal in range(spec["replicas"]):
        shown = script.replace("exec python -m bot", 'printf "%s" "$SHARD_IDS"')
        result = subprocess.run(["sh", "-c", shown], env={"HOSTNAME": f"{statefulset['metadata']['name']}-{ordinal}"},
                                capture_output=True, text=True, check=True)
        count, ids = shards_of({**environment, "SHARD_IDS": result.stdout, "REDIS_URL": "redis://redis:6379/0"})
        covered += ids
    assert sorted(covered) == list(range(count)), "the pods' SHARD_IDS do not cover every shard exactly once"
    probe = container["readinessProbe"]["httpGet"]
    assert probe["path"] == "/healthz" and probe["port"] == container["ports"][0]["name"]
    assert str(container["ports"][0]["containerPort"]) == environment["METRICS_PORT"]
    assert spec["template"]["spec"]["securityContext"]["runAsNonRoot"] is True


def test_the_secret_the_statefulset_reads_names_known_settings() -> None:
    text = (REPO_ROOT / "deploy" / "k8s" / "statefulset.yaml").read_text()
    named = set(re.findall(r"--from-literal=([A-Z_]+)=", text))
    assert {"DISCORD_TOKEN", "DATABASE_URL", "REDIS_URL"} <= named and named <= KNOWN_SETTINGS


def test_the_dockerfile_runs_the_bot_as_a_user_on_slim_python_3_11() -> None:
    lines = [line.strip() for line in (REPO_ROOT / "Dockerfile").read_text().splitlines()]
    assert "FROM python:3.11-slim" in lines
    assert 'CMD ["python", "-m", "bot"]' in lines
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")


@pytest.mark.parametrize("path", ["compose.yaml", "deploy/k8s/statefulset.yaml", "Dockerfile"])
def test_settings_named_anywhere_in_the_deploy_files_exist(path: str) -> None:
    """Also in comments: an upper-case NAME= that looks like a setting must be one (or the databases' own)."""
    text = (REPO_ROOT / path).read_text()
    others = {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED",
              "PIP_NO_CACHE_DIR", "PIP_DISABLE_PIP_VERSION_CHECK", "MPLCONFIGDIR", "HOSTNAME"}
    named = set(re.findall(r"\b([A-Z][A-Z0-9]*_[A-Z0-9_]+)\b", text)) - others
    assert named <= KNOWN_SETTINGS, named - KNOWN_SETTINGS


def test_docker_build_context_leaves_out_local_state() -> None:
    ignored = set((REPO_ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", ".env", "*.sqlite3"} <= ignored


def test_the_readme_tells_how_to_run_at_scale() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    section = readme.split("### Running at scale", 1)[1].split("\n## ", 1)[0]
    for needed in ("compose.yaml", "deploy/k8s/statefulset.yaml", "SHARD_IDS", "REDIS_URL", "partition"):
        assert needed in section, needed


