import pytest

from bot.errors import ConfigError
from bot.settings import DISCORD_GATEWAY_URL, TRANSLATION_SETTINGS, Settings

VALID_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"


def test_defaults_need_only_a_token() -> None:
    settings = Settings.from_env({"DISCORD_TOKEN": VALID_TOKEN})
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.discord_gateway_url == DISCORD_GATEWAY_URL
    assert settings.log_level == "INFO"
    assert settings.translation.chain == ("google",)


def test_missing_token_explains_how_to_get_one() -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({})
    message = str(caught.value)
    assert "DISCORD_TOKEN is not set" in message
    assert "developers/applications" in message
    assert "MESSAGE CONTENT" in message and "SERVER MEMBERS" in message


def test_malformed_token_is_refused() -> None:
    with pytest.raises(ConfigError, match="does not look like a bot token"):
        Settings.from_env({"DISCORD_TOKEN": "my-client-secret"})


def test_every_bad_value_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(
            {
                "DISCORD_TOKEN": VALID_TOKEN,
                "LOG_LEVEL": "loud",
                "DATABASE_URL": "mysql://x@y/z",
                "DISCORD_GATEWAY_URL": "https://gateway",
                "MESSAGE_MAP_RETENTION_DAYS": "forever",
                "TRANSLATOR": "babelfish",
            }
        )
    problems = caught.value.problems
    assert [p.split("=")[0] for p in problems[:4]] == [
        "DATABASE_URL", "LOG_LEVEL", "DISCORD_GATEWAY_URL", "MESSAGE_MAP_RETENTION_DAYS",
    ]
    assert any("babelfish" in problem for problem in problems)


def test_secrets_are_not_in_repr() -> None:
    settings = Settings.from_env(
        {"DISCORD_TOKEN": VALID_TOKEN, "DATABASE_URL": "postgres://u:hunter2@db/x", "DEEPL_API_KEY": "k-123456:fx"}
    )
    shown = repr(settings)
    assert VALID_TOKEN not in shown and "hunter2" not in shown and "k-123456" not in shown
    assert set(settings.secret_values()) == {VALID_TOKEN, "k-123456:fx"}


def test_proxy_urls_are_accepted() -> None:
    settings = Settings.from_env(
        {
            "DISCORD_TOKEN": VALID_TOKEN,
            "DISCORD_API_BASE_URL": "http://127.0.0.1:8080/api/v10/",
            "DISCORD_GATEWAY_URL": "ws://127.0.0.1:8081/",
        }
    )
    assert settings.discord_api_base_url == "http://127.0.0.1:8080/api/v10"
    assert settings.discord_gateway_url == "ws://127.0.0.1:8081/"


def test_reading_keeps_defaults_for_refused_values_and_names_them() -> None:
    reading = Settings.read({"LOG_LEVEL": "loud", "DATABASE_URL": "mysql://x@y/z", "TRANSLATOR": "babelfish"})
    assert reading.invalid == {"DISCORD_TOKEN", "LOG_LEVEL", "DATABASE_URL", TRANSLATION_SETTINGS}
    assert reading.settings.log_level == "INFO"
    assert reading.settings.database_url.startswith("sqlite+aiosqlite:///")
    assert reading.settings.translation.chain == ("google",)
    assert len(reading.problems) == 4


def test_login_timeout_defaults_to_thirty_seconds_and_is_bounded() -> None:
    assert Settings.from_env({"DISCORD_TOKEN": VALID_TOKEN}).discord_login_timeout == 30
    assert Settings.from_env({"DISCORD_TOKEN": VALID_TOKEN, "DISCORD_LOGIN_TIMEOUT": "5"}).discord_login_timeout == 5
    with pytest.raises(ConfigError, match=r"DISCORD_LOGIN_TIMEOUT='0': expected a number from 1 to 600"):
        Settings.from_env({"DISCORD_TOKEN": VALID_TOKEN, "DISCORD_LOGIN_TIMEOUT": "0"})


def test_job_lease_defaults_to_thirty_seconds_and_is_bounded() -> None:
    assert Settings.from_env({"DISCORD_TOKEN": VALID_TOKEN}).job_lease_seconds == 30
    assert Settings.from_env({"DISCORD_TOKEN": VALID_TOKEN, "JOB_LEASE_SECONDS": "9"}).job_lease_seconds == 9
    with pytest.raises(ConfigError, match=r"JOB_LEASE_SECONDS='2': expected a number from 3 to 600"):
        Settings.from_env({"DISCORD_TOKEN": VALID_TOKEN, "JOB_LEASE_SECONDS": "2"})


def test_metrics_port_is_optional_and_must_be_a_port() -> None:
    assert Settings.from_env({"DISCORD_TOKEN": VALID_TOKEN}).metrics_port is None
    assert Settings.from_env({"DISCORD_TOKEN": VALID_TOKEN, "METRICS_PORT": "9108"}).metrics_port == 9108
    for bad in ("0", "65536", "http", "-1", "91.08"):
        with pytest.raises(ConfigError) as caught:
            Settings.from_env({"DISCORD_TOKEN": VALID_TOKEN, "METRICS_PORT": bad})
        assert caught.value.problems == [
            f"METRICS_PORT={bad!r}: expected a port number from 1 to 65535 (or leave it unset for no metrics)"
        ]
