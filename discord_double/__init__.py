"""A Discord double for end-to-end tests: REST v10 + gateway on 127.0.0.1. See README.md."""

import warnings

with warnings.catch_warnings():
    # discord.py imports audioop (deprecated in 3.11+); pytest runs with filterwarnings=error.
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)
    import discord  # noqa: F401

from .client import run_client
from .errors import DiscordError
from .interactions import InteractionHandle
from .ratelimit import Limit, RateLimitConfig
from .server import DiscordDouble
from .state import Channel, ForumTag, Guild, Member, Message, Role, User, Webhook
from .views import MessageView

__all__ = [
    "Channel", "DiscordDouble", "DiscordError", "ForumTag", "Guild", "InteractionHandle", "Limit", "Member", "Message",
    "MessageView", "RateLimitConfig", "Role", "User", "Webhook", "run_client",
]
