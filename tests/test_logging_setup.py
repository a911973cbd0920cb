import logging

from bot.logging_setup import RedactSecrets, redact

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"


def test_webhook_tokens_are_masked() -> None:
    line = "POST https://discord.com/api/v10/webhooks/123456/aBcD-efGh_ijk?wait=1 has returned 429"
    assert redact(line) == "POST https://discord.com/api/v10/webhooks/123456/***?wait=1 has returned 429"


def test_bot_tokens_and_configured_secrets_are_masked(caplog) -> None:
    logger = logging.getLogger("test.redaction")
    logger.addFilter(RedactSecrets(("deepl-secret-key",)))
    try:
        with caplog.at_level(logging.INFO, logger="test.redaction"):
            logger.info("token %s and key %s", TOKEN, "deepl-secret-key")
    finally:
        logger.filters.clear()
    assert TOKEN not in caplog.text and "deepl-secret-key" not in caplog.text
    assert caplog.text.count("***") == 2


def test_authorization_headers_are_masked() -> None:
    assert "s3cr3t" not in redact("headers={'Authorization': 'DeepL-Auth-Key s3cr3t'}")


def test_start_up_noise_is_dropped_and_real_warnings_kept(capsys) -> None:
    from bot.logging_setup import configure_logging

    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    try:
        configure_logging("INFO")
        logging.getLogger("discord.client").warning("PyNaCl is not installed, voice will NOT be supported")
        logging.getLogger("alembic.runtime.plugins").info("setup plugin alembic.autogenerate.schemas")
        logging.getLogger("discord.client").warning("a real warning")
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        logging.getLogger("alembic").setLevel(logging.NOTSET)
        logging.getLogger("discord").setLevel(logging.NOTSET)
    printed = capsys.readouterr().out
    assert "voice" not in printed and "alembic" not in printed
    assert "a real warning" in printed
