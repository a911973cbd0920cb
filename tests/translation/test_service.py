"""The service: chain fall-through, breakers, cache, single-flight, usage, secrets."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.translation.languages import to_traditional
from bot.translation.service import TranslationService, outer_whitespace
from bot.translation.settings import TranslationSettings
from bot.translation.store import MemoryTranslationStore
from tests.translation.fake_servers import Fault, translator_env
from tests.translation.helpers import sample_pairs
from tests.translation.test_breaker import FakeClock


def make_service(session, *servers, store=None, clock=None, now=None, **env) -> TranslationService:
    settings = TranslationSettings.from_env(translator_env(*servers, **env))
    options = {}
    if clock is not None:
        options["clock"] = clock
    if now is not None:
        options["now"] = now
    return TranslationService(settings, session, store, **options)


@pytest.fixture
async def pair(fake_dictionary):
    return sample_pairs(fake_dictionary, 1)[0]


async def test_first_provider_answers(http_session, fake_deepl, fake_google, pair) -> None:
    service = make_service(http_session, fake_deepl, fake_google)
    result = await service.translate([pair[0]], "en", "zh-Hans", guild_id=1)
    assert result.ok and result.texts == [pair[1]] and result.provider == "deepl" and not result.cached
    assert fake_google.request_count == 0
    await service.aclose()


async def test_falls_through_to_the_next_provider(http_session, fake_deepl, fake_google, pair) -> None:
    fake_deepl.fail_next(fake_deepl.quota_exceeded())
    service = make_service(http_session, fake_deepl, fake_google)
    result = await service.translate([pair[0]], "en", "zh-Hans")
    assert result.ok and result.provider == "google" and result.texts == [pair[1]]
    await service.aclose()


async def test_open_circuit_skips_the_provider_then_half_opens(http_session, fake_deepl, fake_google, fake_dictionary) -> None:
    clock = FakeClock()
    pairs = sample_pairs(fake_dictionary, 4)
    fake_deepl.fail_always(Fault(503))
    service = make_service(http_session, fake_deepl, fake_google, clock=clock)
    for english, _ in pairs[:3]:
        assert (await service.translate([english], "en", "zh-Hans")).provider == "google"
    assert fake_deepl.request_count == 3  # threshold reached: the circuit is open now

    result = await service.translate([pairs[3][0]], "en", "zh-Hans")
    assert result.provider == "google" and fake_deepl.request_count == 3

    fake_deepl.recover()
    clock.advance(30)
    result = await service.translate(["A brand new sentence"], "en", "zh-Hans")
    assert result.provider == "deepl" and fake_deepl.request_count == 4
    await service.aclose()


async def test_all_providers_down_gives_a_failure_result(http_session, fake_deepl, fake_google) -> None:
    fake_deepl.fail_always(fake_deepl.quota_exceeded())
    fake_google.fail_always(Fault(502, "Bad Gateway"))
    service = make_service(http_session, fake_deepl, fake_google)
    result = await service.translate(["Hello there", "Bye now"], "en", "zh-Hans", guild_id=5)
    assert not result.ok and result.provider is None
    assert result.texts == ["Hello there", "Bye now"]  # the originals, for relaying with a notice
    assert "deepl: answered HTTP 456" in result.error and "google: answered HTTP 502" in result.error
    stats = await service.usage_stats(5)
    assert stats.by_provider["deepl"].failures == 1 and stats.by_provider["google"].failures == 1
    await service.aclose()


async def test_cache_hit_makes_no_provider_call(http_session, fake_google, pair) -> None:
    service = make_service(http_session, fake_google)
    first = await service.translate([pair[0]], "en", "zh-Hans")
    second = await service.translate([f"  {pair[0]}\n"], "en", "zh-Hans")
    assert fake_google.request_count == 1
    assert second.cached and second.provider == "cache" and second.texts == [f"  {first.texts[0]}\n"]
    await service.aclose()


async def test_cache_is_per_direction_and_glossary(http_session, fake_google) -> None:
    service = make_service(http_session, fake_google)
    await service.translate(["Good morning"], "en", "zh-Hans")
    await service.translate(["Good morning"], "en", "zh-Hant")
    await service.translate(["Good morning"], "en", "zh-Hans", glossary_salt="glossary-v2")
    assert fake_google.request_count == 3
    await service.aclose()


async def test_only_missing_segments_are_sent(http_session, fake_deepl, fake_dictionary) -> None:
    (a_en, a_zh), (b_en, b_zh) = sample_pairs(fake_dictionary, 2)
    service = make_service(http_session, fake_deepl)
    await service.translate([a_en], "en", "zh-Hans")
    result = await service.translate([a_en, b_en], "en", "zh-Hans")
    assert result.texts == [a_zh, b_zh] and result.provider == "deepl"
    assert fake_deepl.requests[-1].json()["text"] == [b_en]
    await service.aclose()


async def test_persistent_cache_survives_a_new_service(http_session, fake_google, pair) -> None:
    store = MemoryTranslationStore()
    first = make_service(http_session, fake_google, store=store)
    await first.translate([pair[0]], "en", "zh-Hant")
    await first.aclose()
    second = make_service(http_session, fake_google, store=store)
    result = await second.translate([pair[0]], "en", "zh-Hant")
    assert result.cached and result.texts == [to_traditional(pair[1])]
    assert fake_google.request_count == 1
    await second.aclose()


async def test_identical_concurrent_requests_share_one_call(http_session, fake_deepl, pair) -> None:
    fake_deepl.delay = 0.2
    service = make_service(http_session, fake_deepl)
    results = await asyncio.gather(*(service.translate([pair[0]], "en", "zh-Hans", guild_id=9) for _ in range(5)))
    assert fake_deepl.request_count == 1
    assert {tuple(result.texts) for result in results} == {(pair[1],)}
    stats = await service.usage_stats(9)
    assert stats.by_provider["deepl"].calls == 1 and stats.by_provider["cache"].cache_hits == 4
    await service.aclose()


async def test_a_cancelled_caller_does_not_cancel_the_shared_call(http_session, fake_deepl, pair) -> None:
    fake_deepl.delay = 0.2
    service = make_service(http_session, fake_deepl)
    impatient = asyncio.create_task(service.translate([pair[0]], "en", "zh-Hans"))
    patient = asyncio.create_task(service.translate([pair[0]], "en", "zh-Hans"))
    await asyncio.sleep(0.05)
    impatient.cancel()
    assert (await patient).texts == [pair[1]]
    with pytest.raises(asyncio.CancelledError):
        await impatient
    await service.aclose()


async def test_text_without_letters_is_passed_through(http_session, fake_google) -> None:
    service = make_service(http_session, fake_google)
    result = await service.translate(["👍", "666", " ... "], "auto", "zh-Hans")
    assert result.ok and result.texts == ["👍", "666", " ... "] and result.provider == "passthrough"
    assert fake_google.request_count == 0
    await service.aclose()


async def test_zh_hans_target_is_forced_to_simplified(http_session, fake_openai) -> None:
    fake_openai.fail_next(Fault(200, {"choices": [{"message": {"role": "assistant", "content": "我們今天吃飯"}}]}))
    service = make_service(http_session, fake_openai)
    result = await service.translate(["We eat today"], "en", "zh-Hans")
    assert result.texts == ["我们今天吃饭"]
    await service.aclose()


async def test_traditional_request_answered_in_simplified_is_converted(http_session, fake_openai) -> None:
    fake_openai.fail_next(Fault(200, {"choices": [{"message": {"role": "assistant", "content": "我们今天吃饭"}}]}))
    service = make_service(http_session, fake_openai)
    result = await service.translate(["We eat today"], "en", "zh-Hant")
    assert result.texts == ["我們今天吃飯"]
    await service.aclose()


async def test_usage_per_guild_per_day(http_session, fake_google, fake_dictionary) -> None:
    day = datetime(2026, 3, 1, 12, tzinfo=UTC)
    current = [day]
    service = make_service(http_session, fake_google, now=lambda: current[0])
    (a_en, _), (b_en, _) = sample_pairs(fake_dictionary, 2)
    await service.translate([a_en], "en", "zh-Hans", guild_id=1)
    await service.translate([a_en], "en", "zh-Hans", guild_id=1)
    current[0] = day + timedelta(days=3)
    await service.translate([b_en], "en", "zh-Hans", guild_id=1)
    await service.translate([b_en], "en", "zh-Hans", guild_id=2)

    today = await service.usage_stats(1, days=1)
    assert today.by_provider["google"].calls == 1 and today.by_provider["google"].characters == len(b_en)
    month = await service.usage_stats(1, days=30)
    assert month.by_provider["google"].calls == 2 and month.by_provider["cache"].cache_hits == 1
    assert month.cache_hit_rate == pytest.approx(1 / 3)
    other = await service.usage_stats(2, days=30)
    assert other.by_provider == {"cache": other.by_provider["cache"]} and other.total.cache_hits == 1
    await service.aclose()


async def test_secrets_stay_out_of_repr_errors_and_logs(http_session, fake_deepl, fake_openai, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    fake_deepl.fail_always(Fault(403, {"message": f"bad key {fake_deepl.api_key}"}))  # even if echoed back
    fake_openai.fail_always(Fault(500, {"error": f"oops {fake_openai.api_key}"}))
    settings = TranslationSettings.from_env(translator_env(fake_deepl, fake_openai))
    service = TranslationService(settings, http_session)
    result = await service.translate(["Hello"], "en", "zh-Hans")
    health = await service.check_providers()
    await service.aclose()

    shown = " ".join([repr(settings), str(settings), repr(service), repr(service.chain.providers), result.error,
                      repr(result), repr(health), caplog.text])
    for secret in (fake_deepl.api_key, fake_openai.api_key):
        assert secret not in shown
    assert "***" in result.error


async def test_check_providers_reports_a_fix_hint(http_session, fake_deepl, fake_google) -> None:
    fake_deepl.api_key = "the-real-one:fx"
    settings = TranslationSettings.from_env(translator_env(fake_deepl, fake_google, DEEPL_API_KEY="stale:fx"))
    service = TranslationService(settings, http_session)
    deepl, google = await service.check_providers()
    await service.aclose()
    assert not deepl.ok and "DeepL answered 403: check DEEPL_API_KEY" in deepl.fix
    assert google.ok and google.latency_ms is not None


async def test_unknown_language_is_a_programming_error(http_session, fake_google) -> None:
    service = make_service(http_session, fake_google)
    with pytest.raises(ValueError):
        await service.translate(["hi"], "en", "fr")  # type: ignore[arg-type]
    await service.aclose()


async def test_repeated_segments_are_sent_once_in_message_order(http_session, fake_deepl, fake_dictionary) -> None:
    (a_en, a_zh), (b_en, b_zh) = sample_pairs(fake_dictionary, 2)
    service = make_service(http_session, fake_deepl)
    result = await service.translate([b_en, a_en, b_en], "en", "zh-Hans")
    assert result.texts == [b_zh, a_zh, b_zh]
    assert fake_deepl.requests[0].json()["text"] == [b_en, a_en]
    await service.aclose()


def test_outer_whitespace_goes_around_the_text_that_is_translated() -> None:
    assert outer_whitespace("  hello  world\n") == ("  ", "hello  world", "\n")
    assert outer_whitespace("\u3000你好\u00a0") == ("\u3000", "你好", "\u00a0")
    assert outer_whitespace("hi") == ("", "hi", "")
    assert outer_whitespace(" \n\t") == (" \n\t", "", "")
    assert outer_whitespace("") == ("", "", "")
