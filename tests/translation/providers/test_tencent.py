"""Tencent Machine Translation: TC3-HMAC-SHA256 signing, TextTranslate, its errors and limits."""

from __future__ import annotations

import time

import pytest

from bot.errors import ConfigError
from bot.translation.providers.base import FailureKind, ProviderError
from bot.translation.providers import tencent
from bot.translation.providers.limits import RequestGate
from bot.translation.providers.tencent import MAX_CHARS, TencentProvider, tc3_authorization
from bot.translation.settings import TranslationSettings
from tests.translation.fake_servers import FakeTencent
from tests.translation.helpers import is_traditional, provider_for, sample_pairs


def test_signature_matches_tencents_documented_example() -> None:
    # The worked example of Tencent Cloud API 3.0 "Signature v3" (CVM DescribeInstances, POST):
    # SecretKey Gu5t9xGARNpq86cd98joQYCN3EXAMPLE, timestamp 1551113065, the body below;
    # HashedRequestPayload 35e9c5b0…, Signature 72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168.
    payload = b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
    authorization = tc3_authorization(
        secret_id="AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", secret_key="Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
        host="cvm.tencentcloudapi.com", payload=payload, timestamp=1551113065, service="cvm",
    )
    assert authorization == (
        "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, "
        "SignedHeaders=content-type;host, "
        "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    )


async def test_text_translate_request_is_signed_and_answered(fake_tencent, http_session, fake_dictionary) -> None:
    [(english, chinese)] = sample_pairs(fake_dictionary, 1)
    provider = provider_for(fake_tencent, http_session)
    [traditional] = await provider.translate([english], "en", "zh-Hant")
    assert is_traditional(traditional)
    assert await provider.translate([chinese], "zh-Hans", "en") == [english]
    request = fake_tencent.requests[0]
    assert request.headers["X-TC-Action"] == "TextTranslate" and request.headers["X-TC-Version"] == "2018-03-21"
    assert request.headers["X-TC-Region"] == "ap-guangzhou"
    assert request.json() == {"SourceText": english, "Source": "en", "Target": "zh-TW", "ProjectId": 0}


async def test_long_text_goes_in_pieces_of_at_most_2000_characters(fake_tencent, http_session) -> None:
    text = "今天的会议改到下午四点，请大家准时参加。" * 240  # 4,560 characters
    [result] = await provider_for(fake_tencent, http_session).translate([text], "zh-Hans", "en")
    sent = [request.json()["SourceText"] for request in fake_tencent.requests]
    assert len(sent) == 3 and all(len(piece) <= MAX_CHARS for piece in sent) and "".join(sent) == text
    assert result == " ".join(f"[en] {piece}" for piece in sent)


class RecordingGate(RequestGate):
    """The provider's own gate, noting when each request is let through."""

    def __init__(self, gate: RequestGate) -> None:
        super().__init__(gate.limits, max_wait=gate.max_wait)
        self.starts: list[float] = []

    async def __aenter__(self) -> None:
        await super().__aenter__()
        self.starts.append(time.monotonic())


async def test_requests_keep_to_five_per_second(fake_tencent, http_session) -> None:
    provider = provider_for(fake_tencent, http_session)
    provider.gate = gate = RecordingGate(provider.gate)
    texts = [f"Message number {n}" for n in range(12)]
    result = await provider.translate(texts, "en", "zh-Hans")
    # Every text arrives (the fake answers LimitExceeded to a sixth request within a second, which is
    # retried), and the requests were started at most five a second, each a fifth of a second or more
    # after the one before.
    assert result == [f"〔译〕{text}" for text in texts]
    assert len(gate.starts) >= len(texts)
    assert all(later - earlier >= 0.2 for earlier, later in zip(gate.starts, gate.starts[1:])), gate.starts


async def test_a_frequency_refusal_is_tried_again_after_a_second(fake_tencent, http_session, monkeypatch) -> None:
    monkeypatch.setattr(tencent, "RATE_RETRY_DELAY", 0.05)
    fake_tencent.fail_next(fake_tencent.rate_limited(), times=tencent.RATE_RETRIES)
    assert await provider_for(fake_tencent, http_session).translate(["Hello there"], "en", "zh-Hans") == [
        "〔译〕Hello there"
    ]
    assert len(fake_tencent.requests) == tencent.RATE_RETRIES + 1


@pytest.mark.parametrize(("fault", "kind"), [
    ("quota_exceeded", FailureKind.QUOTA),
    ("suspended", FailureKind.QUOTA),
    ("rate_limited", FailureKind.RATE_LIMITED),
])
async def test_service_errors_map_to_failure_kinds(fake_tencent, http_session, fault, kind, monkeypatch) -> None:
    monkeypatch.setattr(tencent, "RATE_RETRY_DELAY", 0.05)
    fake_tencent.fail_next(getattr(fake_tencent, fault)(), times=tencent.RATE_RETRIES + 1)
    with pytest.raises(ProviderError) as caught:
        await provider_for(fake_tencent, http_session).translate(["Hello there"], "en", "zh-Hans")
    assert caught.value.kind is kind and caught.value.code.split(".")[0] in ("FailedOperation", "LimitExceeded")


async def test_wrong_secret_is_a_signature_failure_and_never_shown(fake_tencent, http_session) -> None:
    provider = provider_for(fake_tencent, http_session, TENCENT_SECRET_KEY="the-wrong-secret")
    with pytest.raises(ProviderError) as caught:
        await provider.translate(["Hello there"], "en", "zh-Hans")
    assert caught.value.kind is FailureKind.AUTH and caught.value.code == "AuthFailure.SignatureFailure"
    assert "the-wrong-secret" not in caught.value.message and "the-wrong-secret" not in repr(provider)


async def test_a_clock_far_off_is_named_in_the_hint(fake_tencent, http_session) -> None:
    settings = TranslationSettings.from_env(fake_tencent.env() | {"TRANSLATOR": "tencent"})
    provider = TencentProvider(
        http_session, timeout=5, base_url=fake_tencent.url, secret_id=fake_tencent.secret_id,
        secret_key=settings.tencent_secret_key.reveal(), clock=lambda: 1551113065,
    )
    with pytest.raises(ProviderError) as caught:
        await provider.translate(["Hello there"], "en", "zh-Hans")
    assert caught.value.code == "AuthFailure.SignatureExpire" and "clock" in caught.value.hint


def test_settings_need_both_secrets_and_keep_them_out_of_repr() -> None:
    with pytest.raises(ConfigError) as caught:
        TranslationSettings.from_env({"TRANSLATOR": "tencent", "TENCENT_SECRET_ID": "AKIDabc"})
    assert any("TENCENT_SECRET_KEY is not set" in problem for problem in caught.value.problems)
    settings = TranslationSettings.from_env(
        {"TRANSLATOR": "tencent", "TENCENT_SECRET_ID": "AKIDabc", "TENCENT_SECRET_KEY": "sekrit-value"}
    )
    assert "sekrit-value" not in repr(settings) and "AKIDabc" not in repr(settings)
    assert {"sekrit-value", "AKIDabc"} <= set(settings.secret_values())
    assert settings.tencent_region == "ap-guangzhou"


async def test_service_not_activated_is_configuration_and_opens_the_circuit(fake_tencent, http_session) -> None:
    from bot.translation.service import TranslationService
    from tests.translation.fake_servers import translator_env

    fake_tencent.fail_always(fake_tencent.error(
        "FailedOperation.UserNotRegistered", "服务未开通，请在腾讯云官网机器翻译控制台开通服务。"))
    service = TranslationService(TranslationSettings.from_env(translator_env(fake_tencent)), http_session)
    first = await service.translate(["Hello there"], "en", "zh-Hans")
    second = await service.translate(["Good night"], "en", "zh-Hans")
    assert first.failures[0].kind == FailureKind.CONFIG and second.failures[0].kind == FailureKind.CIRCUIT_OPEN
    assert fake_tencent.request_count == 1
    [health] = await service.check_providers()
    assert "activate it in the TMT console" in health.fix
    await service.aclose()
