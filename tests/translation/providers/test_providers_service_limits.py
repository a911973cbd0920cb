"""Providers as the real services behave: request size and rate limits, quotas, refusals, retries."""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import quote

import pytest

from bot.translation.chain import TranslationChain
from bot.translation.providers import baidu
from bot.translation.providers.base import FailureKind, ProviderError
from bot.translation.providers.google import BROWSER_HEADERS, MAX_ENCODED_QUERY
from bot.translation.providers.limits import RequestLimits
from bot.translation.result import ProviderHealth
from bot.translation.service import TranslationService
from bot.translation.settings import TranslationSettings
from tests.translation.fake_servers import Fault, FakeLibreTranslate, FakeMyMemory, FakeOpenAI, translator_env
from tests.translation.helpers import provider_for, sample_pairs

# 2,000 characters of ordinary Chinese: an 18 KB URL when sent whole.
LONG_CHINESE = ("我们明天下午三点在图书馆门口见面，然后一起去吃饭。" * 80)[:2000]


def make_service(session, *servers, **env) -> TranslationService:
    return TranslationService(TranslationSettings.from_env(translator_env(*servers, **env)), session)


# --- Google -----------------------------------------------------------------------------------

async def test_google_fake_refuses_what_the_real_page_refuses(fake_google, http_session) -> None:
    async with http_session.get(f"{fake_google.url}/m", params={"sl": "zh-CN", "tl": "en", "q": LONG_CHINESE},
                                headers=BROWSER_HEADERS) as response:
        assert len(str(response.url)) > 16_000
        assert response.status == 414 and "Request-URI Too Large" in await response.text()
    async with http_session.get(f"{fake_google.url}/m", params={"sl": "en", "tl": "zh-CN", "q": "Hi"}) as response:
        assert response.status == 429 and "unusual traffic" in await response.text()


async def test_google_sends_a_browser_user_agent(fake_google, http_session) -> None:
    await provider_for(fake_google, http_session).translate(["Good morning"], "en", "zh-Hans")
    assert fake_google.requests[0].headers["User-Agent"].startswith("Mozilla/5.0")


async def test_google_splits_a_long_chinese_message_by_encoded_length(fake_google, http_session) -> None:
    [result] = await provider_for(fake_google, http_session).translate([LONG_CHINESE], "zh-Hans", "en")
    sent = [request.query["q"] for request in fake_google.requests]
    assert len(sent) == 10  # 2,000 characters × 9 encoded bytes / 2,000 per request
    assert all(len(quote(piece, safe="")) <= MAX_ENCODED_QUERY for piece in sent)
    assert "".join(sent) == LONG_CHINESE
    # The fake marks text it has no pair for; pieces come back in order, joined with a space in English.
    assert result == " ".join(f"[en] {piece}" for piece in sent)


async def test_requests_in_flight_are_capped_per_provider(fake_google, http_session, fake_dictionary) -> None:
    fake_google.delay = 0.02  # long enough for concurrent requests to overlap
    provider = provider_for(fake_google, http_session)
    texts = [english for english, _ in sample_pairs(fake_dictionary, 20)]
    result = await provider.translate(texts, "en", "zh-Hans")
    assert len(result) == 20 and fake_google.request_count == 20
    assert provider.limits.in_flight == 3
    assert 1 < fake_google.most_in_flight <= 3 and provider.gate.most_in_flight <= 3


# --- MyMemory ---------------------------------------------------------------------------------

async def test_mymemory_unescapes_html_in_translations(fake_mymemory, http_session) -> None:
    [result] = await provider_for(fake_mymemory, http_session).translate(["don't & won't"], "en", "zh-Hans")
    assert result == "〔译〕don't & won't"


async def test_mymemory_daily_quota_429_waits_until_the_stated_time(http_session) -> None:
    async with FakeMyMemory() as server:
        server.fail_always(server.quota_exceeded())
        service = make_service(http_session, server, MYMEMORY_EMAIL="")
        result = await service.translate(["Hello there"], "en", "zh-Hans")
        [failure] = result.failures
        assert failure.kind == FailureKind.QUOTA and failure.retry_after == FakeMyMemory.QUOTA_SECONDS
        assert "next available in 14 h 05 min" in failure.message
        breaker = service.chain.breakers["mymemory"]
        assert breaker.retry_in() == pytest.approx(FakeMyMemory.QUOTA_SECONDS, abs=5)
        await service.translate(["Another message"], "en", "zh-Hans")
        assert server.request_count == 1  # the circuit stays open: no request until tomorrow
        [health] = await service.check_providers()
        assert not health.ok and "MYMEMORY_EMAIL" in health.fix and "14 h 05 min" in health.fix
        await service.aclose()


async def test_mymemory_quota_warning_with_http_200_is_a_quota_failure_too(fake_mymemory, http_session) -> None:
    fake_mymemory.fail_next(fake_mymemory.quota_warning_as_translation())
    with pytest.raises(ProviderError) as caught:
        await provider_for(fake_mymemory, http_session).translate(["Hello there"], "en", "zh-Hans")
    assert caught.value.kind is FailureKind.QUOTA and caught.value.retry_after == FakeMyMemory.QUOTA_SECONDS
    # MYMEMORY_EMAIL is set in this fake's environment: the advice is about the larger quota being used up.
    assert "quota for MYMEMORY_EMAIL" in caught.value.hint


# --- LibreTranslate ---------------------------------------------------------------------------

async def test_libretranslate_key_required_is_a_configuration_failure_reported_once(http_session, caplog) -> None:
    async with FakeLibreTranslate(require_api_key=True) as server:
        service = make_service(http_session, server)
        with caplog.at_level(logging.WARNING, logger="bot.translation"):
            for text in ["Hello there", "How are you", "Good night", "See you"]:
                result = await service.translate([text], "en", "zh-Hans", guild_id=3)
                assert not result.ok
        assert server.request_count == 1  # the circuit opened on the first refusal
        assert result.failures[0].kind == FailureKind.CIRCUIT_OPEN
        warnings = [record.getMessage() for record in caplog.records if "libretranslate" in record.getMessage()]
        assert len(warnings) == 1 and "LIBRETRANSLATE_API_KEY" in warnings[0]
        stats = await service.usage_stats(3)
        assert stats.by_provider["libretranslate"].failures == 1
        [health] = await service.check_providers()
        assert "set LIBRETRANSLATE_API_KEY" in health.fix and "portal.libretranslate.com" in health.fix
        await service.aclose()


async def test_libretranslate_ban_is_a_rate_limit_not_a_credentials_problem(fake_libretranslate, http_session) -> None:
    fake_libretranslate.fail_next(FakeLibreTranslate.banned())
    with pytest.raises(ProviderError) as caught:
        await provider_for(fake_libretranslate, http_session).translate(["Hello there"], "en", "zh-Hans")
    assert caught.value.kind is FailureKind.RATE_LIMITED and caught.value.status == 403
    assert "credentials" not in caught.value.hint and "banned" in caught.value.hint


# --- OpenAI-compatible ------------------------------------------------------------------------

async def test_openai_model_without_temperature_is_asked_again_and_remembered(http_session) -> None:
    async with FakeOpenAI(default_temperature_only=True) as server:
        provider = provider_for(server, http_session)
        assert await provider.translate(["Good morning"], "en", "zh-Hans") == ["〔译〕Good morning"]
        assert [request.json().get("temperature") for request in server.requests] == [0, None]
        await provider.translate(["Good night"], "en", "zh-Hans")
        assert server.request_count == 3 and "temperature" not in server.requests[2].json()


async def test_openai_other_400s_are_not_retried(fake_openai, http_session) -> None:
    fake_openai.fail_next(Fault(400, {"error": {"message": "Invalid 'messages': empty array.",
                                                "type": "invalid_request_error", "param": "messages", "code": None}}))
    with pytest.raises(ProviderError) as caught:
        await provider_for(fake_openai, http_session).translate(["Good morning"], "en", "zh-Hans")
    assert caught.value.kind is FailureKind.REJECTED and fake_openai.request_count == 1


async def test_openai_timeout_grows_with_the_text(fake_openai, http_session) -> None:
    fake_openai.delay = 0.6
    provider = provider_for(fake_openai, http_session, TRANSLATION_TIMEOUT="0.3")
    with pytest.raises(ProviderError) as caught:
        await provider.translate(["Hi"], "en", "zh-Hans")
    assert caught.value.kind is FailureKind.TIMEOUT
    long_text = "This message goes on for a while. " * 6  # 204 characters: 0.3 s + 5.1 s
    assert provider.request_timeout(len(long_text)) > 5
    assert await provider.translate([long_text], "en", "zh-Hans") == [f"〔译〕{long_text.strip()}"]


# --- Baidu ------------------------------------------------------------------------------------

async def test_baidu_cuts_long_text_and_paces_requests_to_one_per_second(fake_baidu, http_session) -> None:
    provider = provider_for(fake_baidu, http_session)
    assert provider.limits == RequestLimits(in_flight=1, per_second=1.0)
    text = LONG_CHINESE[:2500] if len(LONG_CHINESE) >= 2500 else LONG_CHINESE + LONG_CHINESE[:500]
    [result] = await provider.translate([text], "zh-Hans", "en")
    queries = [request.body.decode() for request in fake_baidu.requests]
    assert len(queries) == 3
    from urllib.parse import parse_qs

    sent = [parse_qs(query)["q"][0] for query in queries]
    assert all(len(q) <= baidu.MAX_CHARS and len(q.encode()) <= baidu.MAX_BYTES for q in sent)
    assert "".join(sent) == text
    arrivals = [request.at for request in fake_baidu.requests]
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:])]
    assert all(gap >= 0.9 for gap in gaps)  # the fake answers 54003 to anything faster, as Baidu does
    assert result == " ".join(f"[en] {q}" for q in sent)


async def test_baidu_long_query_error_is_tried_again_after_the_delay(fake_baidu, http_session, monkeypatch) -> None:
    monkeypatch.setattr(baidu, "RETRY_DELAY", 0.2)
    fake_baidu.fail_next(fake_baidu.error("54005", "Long Query Frequency Limit"))
    [result] = await provider_for(fake_baidu, http_session).translate(["Good morning"], "en", "zh-Hans")
    assert result == "〔译〕Good morning" and fake_baidu.request_count == 2
    assert fake_baidu.requests[1].at - fake_baidu.requests[0].at >= 0.9  # the delay, then the gate's pacing


# --- the circuit breaker under a burst ---------------------------------------------------------

async def test_a_burst_failing_together_opens_the_circuit_once(fake_deepl, fake_google, http_session) -> None:
    fake_deepl.fail_always(Fault(503, {"message": "Service unavailable"}, delay=0.05))
    service = make_service(http_session, fake_deepl, fake_google)
    results = await asyncio.gather(*(service.translate([f"Message number {n}"], "en", "zh-Hans") for n in range(10)))
    assert all(result.ok and result.provider == "google" for result in results)
    breaker = service.chain.breakers["deepl"]
    assert fake_deepl.request_count == 10
    assert breaker.cooldowns == 1 and breaker.retry_in() == pytest.approx(30, abs=1)
    await service.aclose()


async def test_doctor_health_of_a_quota_failure_names_the_fix(http_session) -> None:
    async with FakeMyMemory() as server:
        server.fail_always(server.quota_exceeded())
        settings = TranslationSettings.from_env(translator_env(server, MYMEMORY_EMAIL=""))
        from bot.translation import check_providers

        [health] = await check_providers(settings, http_session)
        assert isinstance(health, ProviderHealth) and not health.ok
        assert "daily free quota used up" in health.detail
        assert "set MYMEMORY_EMAIL" in health.fix


async def test_a_burst_beyond_a_paced_providers_rate_goes_to_the_next_provider(fake_baidu, fake_google, http_session) -> None:
    """Baidu allows 1 request/s: messages that would wait longer than TRANSLATION_TIMEOUT are not queued for it."""
    service = make_service(http_session, fake_baidu, fake_google, TRANSLATION_TIMEOUT="1.5", BAIDU_APP_ID=fake_baidu.app_id)
    results = await asyncio.gather(*(service.translate([f"Burst message {n}"], "en", "zh-Hans", guild_id=4)
                                     for n in range(6)))
    assert all(result.ok for result in results)
    by = [result.provider for result in results]
    assert by.count("baidu") == 2 and by.count("google") == 4  # starts at 0 s and 1.05 s; the rest would wait > 1.5 s
    breaker = service.chain.breakers["baidu"]
    assert breaker.state == "closed" and breaker.cooldowns == 0  # being busy is not the provider's fault
    stats = await service.usage_stats(4)
    assert stats.by_provider["baidu"].failures == 0 and stats.by_provider["baidu"].calls == 2
    await service.aclose()


async def test_google_refusing_a_long_url_is_a_rejection_of_that_request(fake_google, http_session) -> None:
    from tests.translation.fake_servers import google_error_page

    fake_google.fail_next(Fault(414, google_error_page(414, "Request-URI Too Large", "The requested URL <code>/m</code>... "
                                                         "is too large to process."), content_type="text/html"))
    with pytest.raises(ProviderError) as caught:
        await provider_for(fake_google, http_session).translate(["Good morning"], "en", "zh-Hans")
    assert caught.value.kind is FailureKind.REJECTED and caught.value.status == 414


async def test_openai_unknown_model_is_configuration_and_opens_the_circuit(fake_openai, http_session) -> None:
    service = make_service(http_session, fake_openai, OPENAI_MODEL="gpt-that-does-not-exist")
    first = await service.translate(["Good morning"], "en", "zh-Hans")
    second = await service.translate(["Good night"], "en", "zh-Hans")
    assert first.failures[0].kind == FailureKind.CONFIG and "does not exist" in first.failures[0].message
    assert second.failures[0].kind == FailureKind.CIRCUIT_OPEN and fake_openai.request_count == 1
    await service.aclose()
