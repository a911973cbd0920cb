"""Each provider client against a local fake of its real wire format."""

from __future__ import annotations

import pytest

from bot.translation.chain import TranslationChain
from bot.translation.languages import to_traditional
from bot.translation.providers import baidu, tencent
from bot.translation.providers.base import FailureKind, ProviderError
from tests.translation.fake_servers import Fault
from tests.translation.helpers import provider_for, sample_pairs


async def test_translates_english_to_simplified(fake_server, http_session, fake_dictionary) -> None:
    [(english, chinese)] = sample_pairs(fake_dictionary, 1)
    provider = provider_for(fake_server, http_session)
    assert await provider.translate([english], "en", "zh-Hans") == [chinese]
    assert fake_server.request_count == 1


async def test_translates_chinese_to_english(fake_server, http_session, fake_dictionary) -> None:
    [(english, chinese)] = sample_pairs(fake_dictionary, 1)
    provider = provider_for(fake_server, http_session)
    assert await provider.translate([chinese], "zh-Hans", "en") == [english]


async def test_translates_several_texts_in_order(fake_server, http_session, fake_dictionary) -> None:
    pairs = sample_pairs(fake_dictionary, 3)
    provider = provider_for(fake_server, http_session)
    result = await provider.translate([english for english, _ in pairs], "en", "zh-Hans")
    assert result == [chinese for _, chinese in pairs]


async def test_traditional_output_through_the_chain(fake_server, http_session, fake_dictionary) -> None:
    # Providers without a Traditional model (LibreTranslate) are converted with OpenCC s2twp.
    [(english, chinese)] = sample_pairs(fake_dictionary, 1)
    chain = TranslationChain([provider_for(fake_server, http_session)], timeout=5)
    outcome = await chain.translate([english], "en", "zh-Hant")
    assert outcome.texts == [to_traditional(chinese)]
    assert outcome.texts[0] != chinese


async def test_server_error_is_a_server_failure(fake_server, http_session) -> None:
    fake_server.fail_next(Fault(503, {"message": "overloaded"}))
    with pytest.raises(ProviderError) as caught:
        await provider_for(fake_server, http_session).translate(["Hello there"], "en", "zh-Hans")
    assert caught.value.kind is FailureKind.SERVER
    assert caught.value.status == 503


async def test_rate_limit_reports_retry_after(fake_server, http_session, monkeypatch) -> None:
    if fake_server.provider == "baidu":  # Baidu says "again in 3 s" in its docs; it is tried again twice first
        monkeypatch.setattr(baidu, "RETRY_DELAY", 0.05)
        fake_server.fail_next(fake_server.rate_limited(), times=baidu.RETRIES + 1)
    elif fake_server.provider == "tencent":  # Tencent: tried again after a second, twice
        monkeypatch.setattr(tencent, "RATE_RETRY_DELAY", 0.05)
        fake_server.fail_next(fake_server.rate_limited(), times=tencent.RATE_RETRIES + 1)
    else:
        fake_server.fail_next(fake_server.rate_limited(retry_after=7))
    with pytest.raises(ProviderError) as caught:
        await provider_for(fake_server, http_session).translate(["Hello there"], "en", "zh-Hans")
    assert caught.value.kind is FailureKind.RATE_LIMITED
    # Baidu and Tencent signal rate limits in the body, without Retry-After: a short wait is assumed.
    expected = {"baidu": 0.05, "tencent": 0.05}.get(fake_server.provider, 7)
    assert caught.value.retry_after == expected


async def test_quota_exhaustion_is_a_quota_failure(fake_server, http_session) -> None:
    fake_server.fail_next(fake_server.quota_exceeded())
    with pytest.raises(ProviderError) as caught:
        await provider_for(fake_server, http_session).translate(["Hello there"], "en", "zh-Hans")
    # Google and LibreTranslate have no quota signal distinct from rate limiting.
    expected = FailureKind.RATE_LIMITED if fake_server.provider in ("google", "libretranslate") else FailureKind.QUOTA
    assert caught.value.kind is expected


async def test_malformed_body_is_a_malformed_failure(fake_server, http_session) -> None:
    fake_server.fail_next(fake_server.malformed())
    with pytest.raises(ProviderError) as caught:
        await provider_for(fake_server, http_session).translate(["Hello there"], "en", "zh-Hans")
    assert caught.value.kind is FailureKind.MALFORMED


async def test_slow_answer_times_out(fake_server, http_session) -> None:
    fake_server.delay = 1.0
    provider = provider_for(fake_server, http_session, TRANSLATION_TIMEOUT="0.2")
    with pytest.raises(ProviderError) as caught:
        await provider.translate(["Hello there"], "en", "zh-Hans")
    assert caught.value.kind is FailureKind.TIMEOUT


async def test_unreachable_server_is_a_network_failure(fake_server, http_session) -> None:
    provider = provider_for(fake_server, http_session)
    await fake_server.stop()
    with pytest.raises(ProviderError) as caught:
        await provider.translate(["Hello there"], "en", "zh-Hans")
    assert caught.value.kind is FailureKind.NETWORK


async def test_wrong_credentials_are_an_auth_failure(fake_server, http_session) -> None:
    wrong = {
        "deepl": {"DEEPL_API_KEY": "wrong:fx"},
        "libretranslate": {"LIBRETRANSLATE_API_KEY": "wrong"},
        "microsoft": {"MICROSOFT_TRANSLATOR_KEY": "wrong"},
        "baidu": {"BAIDU_SECRET_KEY": "wrong"},
        "tencent": {"TENCENT_SECRET_KEY": "wrong"},
        "openai": {"OPENAI_API_KEY": "sk-wrong"},
    }.get(fake_server.provider)
    if wrong is None:
        pytest.skip(f"{fake_server.provider} takes no credentials")
    if fake_server.provider == "libretranslate":
        fake_server.api_key = "the-real-key"
    with pytest.raises(ProviderError) as caught:
        await provider_for(fake_server, http_session, **wrong).translate(["Hello there"], "en", "zh-Hans")
    assert caught.value.kind is FailureKind.AUTH
    assert "wrong" not in caught.value.message
