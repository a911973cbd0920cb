"""Topic rooms: Discord-free models, storage, prompt rotation and icebreaker scheduling.

`cogs/topics/` turns slash commands into calls on `TopicService` and posts what it returns.
"""

from bot.topics.errors import TopicError
from bot.topics.models import Topic, TopicDraft
from bot.topics.service import DuePrompt, PromptPoster, TopicService

__all__ = ["DuePrompt", "PromptPoster", "Topic", "TopicDraft", "TopicError", "TopicService"]
