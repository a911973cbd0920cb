"""The persistent translation cache is read and written in batches, not once per message."""

from __future__ import annotations

import asyncio

from bot.translation.service import TranslationService
from bot.translation.settings import TranslationSettings
from bot.translation.store import MemoryTranslationStore


class Instant:
    name = "instant"
    targets = frozenset({"en", "zh-Hans", "zh-Hant"})

    async def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        return [f"译 {text}" for text in texts]


class CountingStore(MemoryTranslationStore):
    def __init__(self) -> None:
        super().__init__()
        self.reads: list[int] = []
        self.writes: list[int] = []

    async def get_translations(self, keys):
        self.reads.append(len(keys))
        await asyncio.sleep(0.01)
        return await super().get_translations(keys)

    async def put_translations(self, entries) -> None:
        self.writes.append(len(entries))
        await asyncio.sleep(0.01)
        await super().put_translations(entries)


async def test_concurrent_messages_share_cache_reads_and_writes() -> None:
    store = CountingStore()
    service = TranslationService(TranslationSettings.from_env({}), None, store, providers=[Instant()])
    results = await asyncio.gather(*(service.translate([f"hello number {n}"], "en", "zh-Hans", 1) for n in range(50)))
    await service.drain()
    assert [result.texts for result in results] == [[f"译 hello number {n}"] for n in range(50)]
    assert sum(store.reads) == 50 and len(store.reads) < 5
    assert sum(store.writes) == 50 and len(store.writes) < 5
    # A fresh service (empty memory cache) finds every translation in the store.
    again = TranslationService(TranslationSettings.from_env({}), None, store, providers=[])
    result = await again.translate(["hello number 7"], "en", "zh-Hans", 1)
    assert result.texts == ["译 hello number 7"] and result.cached
    await service.aclose()
    await again.aclose()


async def test_a_cancelled_caller_does_not_cancel_a_shared_lookup() -> None:
    store = CountingStore()
    service = TranslationService(TranslationSettings.from_env({}), None, store, providers=[Instant()])
    first = asyncio.create_task(service.translate(["shared text"], "en", "zh-Hans", 1))
    second = asyncio.create_task(service.translate(["shared text"], "en", "zh-Hans", 1))
    await asyncio.sleep(0)
    first.cancel()
    assert (await second).texts == ["译 shared text"]
    await service.aclose()


async def test_translations_wait_to_be_written_together_but_close_writes_them_at_once() -> None:
    store = CountingStore()
    service = TranslationService(TranslationSettings.from_env({}), None, store, providers=[Instant()])
    await service.translate(["first words"], "en", "zh-Hans", 1)
    await asyncio.sleep(0.1)
    await service.translate(["second words"], "en", "zh-Hans", 1)
    await asyncio.sleep(0.1)
    assert store.writes == []  # still lingering: the next ones share its transaction
    loop = asyncio.get_running_loop()
    started = loop.time()
    await service.aclose()
    # A shutdown does not wait out the linger (0.5 s), and nothing is left unwritten.
    assert loop.time() - started < 0.25
    assert store.writes == [2]
    assert {entry.text for entry in store.translations.values()} == {"译 first words", "译 second words"}
