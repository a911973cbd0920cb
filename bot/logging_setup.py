"""Logs go to stdout, one line per event; tokens and webhook secrets are masked on the way out."""

from __future__ import annotations

import logging
import re
import sys

_WEBHOOK_SECRET = re.compile(r"(/webhooks/\d+/)[A-Za-z0-9_.-]+")
_TOKEN_LIKE = re.compile(r"[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}")
_AUTH_HEADER = re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)(bot\s+|deepl-auth-key\s+|bearer\s+)?[^'\",\s]+")


class DropNoise(logging.Filter):
    """Qiao never joins voice, so discord.py's start-up warnings about voice libraries only confuse."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "voice will NOT be supported" not in record.getMessage()


class ReconnectsInOneLine(logging.Filter):
    """discord.py logs each gateway reconnect with the network error's whole traceback, every few seconds
    while Discord is unreachable; the error's own line says enough (LOG_LEVEL=DEBUG keeps the traceback)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.name == "discord.client" and str(record.msg).startswith("Attempting a reconnect"):
            error = record.exc_info[1]
            detail = str(error).strip().splitlines()[0] if error is not None and str(error).strip() else ""
            record.msg = f"{record.getMessage()} after {type(error).__name__}{': ' + detail if detail else ''}"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._secrets = tuple(secret for secret in secrets if secret and len(secret) >= 6)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message, self._secrets)
        if redacted != message:
            record.msg = redacted
            record.args = None
        return True


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    text = _WEBHOOK_SECRET.sub(r"\1***", text)
    text = _TOKEN_LIKE.sub("***", text)
    return _AUTH_HEADER.sub(r"\1\2***", text)


def configure_logging(level: str, secrets: tuple[str, ...] = ()) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(DropNoise())
    if level != "DEBUG":
        handler.addFilter(ReconnectsInOneLine())
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("discord").setLevel(max(logging.getLevelName(level), logging.INFO))
    # Alembic announces each plugin and its DDL mode at INFO; Qiao logs the migrations it applies.
    logging.getLogger("alembic").setLevel(max(logging.getLevelName(level), logging.WARNING))
