"""pytest fixtures around the fake providers; other test packages can reuse them with
``from tests.translation.fixtures import *`` in their conftest."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.translation.fake_servers import (
    FAKE_SERVERS,
    PAIRS_PATH,
    FakeBaidu,
    FakeDeepL,
    FakeDictionary,
    FakeGoogle,
    FakeLibreTranslate,
    FakeMicrosoft,
    FakeMyMemory,
    FakeOpenAI,
    FakeProviderServer,
    FakeTencent,
    load_pairs,
)

__all__ = [
    "fake_baidu", "fake_deepl", "fake_dictionary", "fake_google", "fake_libretranslate", "fake_microsoft",
    "fake_mymemory", "fake_openai", "fake_server", "fake_tencent", "http_session", "sentence_pairs",
]


@pytest.fixture(scope="session")
def sentence_pairs() -> list[tuple[str, str]]:
    """Real English–Chinese sentence pairs (Tatoeba, CC-BY 2.0 FR) from the shared data folder."""
    if not PAIRS_PATH.exists():
        pytest.skip(f"sentence pairs not found at {PAIRS_PATH} (expected ../shared/data beside the repository)")
    return load_pairs()


@pytest.fixture(scope="session")
def fake_dictionary(sentence_pairs: list[tuple[str, str]]) -> FakeDictionary:
    return FakeDictionary(sentence_pairs)


@pytest.fixture
async def http_session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _serve(server: FakeProviderServer) -> AsyncIterator[FakeProviderServer]:
    async with server:
        yield server


@pytest.fixture
async def fake_google(fake_dictionary: FakeDictionary) -> AsyncIterator[FakeGoogle]:
    async for server in _serve(FakeGoogle(fake_dictionary)):
        yield server


@pytest.fixture
async def fake_deepl(fake_dictionary: FakeDictionary) -> AsyncIterator[FakeDeepL]:
    async for server in _serve(FakeDeepL(fake_dictionary)):
        yield server


@pytest.fixture
async def fake_libretranslate(fake_dictionary: FakeDictionary) -> AsyncIterator[FakeLibreTranslate]:
    async for server in _serve(FakeLibreTranslate(fake_dictionary, api_key="fake-libre-key")):
        yield server


@pytest.fixture
async def fake_microsoft(fake_dictionary: FakeDictionary) -> AsyncIterator[FakeMicrosoft]:
    async for server in _serve(FakeMicrosoft(fake_dictionary)):
        yield server


@pytest.fixture
async def fake_baidu(fake_dictionary: FakeDictionary) -> AsyncIterator[FakeBaidu]:
    async for server in _serve(FakeBaidu(fake_dictionary)):
        yield server


@pytest.fixture
async def fake_mymemory(fake_dictionary: FakeDictionary) -> AsyncIterator[FakeMyMemory]:
    async for server in _serve(FakeMyMemory(fake_dictionary)):
        yield server


@pytest.fixture
async def fake_openai(fake_dictionary: FakeDictionary) -> AsyncIterator[FakeOpenAI]:
    async for server in _serve(FakeOpenAI(fake_dictionary)):
        yield server


@pytest.fixture
async def fake_tencent(fake_dictionary: FakeDictionary) -> AsyncIterator[FakeTencent]:
    async for server in _serve(FakeTencent(fake_dictionary)):
        yield server


@pytest.fixture(params=sorted(FAKE_SERVERS))
async def fake_server(request: pytest.FixtureRequest, fake_dictionary: FakeDictionary) -> AsyncIterator[FakeProviderServer]:
    """Each provider's fake in turn (parametrised by provider name)."""
    async for server in _serve(FAKE_SERVERS[request.param](fake_dictionary)):
        yield server
