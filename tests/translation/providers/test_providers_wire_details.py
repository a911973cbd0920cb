"""Wire-format details particular to one provider."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.translation.chain import TranslationChain
from bot.translation.providers.base import FailureKind, ProviderError, parse_retry_after
from bot.translation.providers.google import extract_result
from bot.translation.providers.mymemory import split_by_bytes
from tests.translation.fake_servers import Fault, FakeMyMemory
from tests.translation.helpers import provider_for, sample_pairs


async def test_deepl_posts_json_with_the_auth_header(fake_deepl, http_session) -> None:
    await provider_for(fake_deepl, http_session).translate(["Good morning", "Good night"], "en", "zh-Hant")
    [request] = fake_deepl.requests
    assert request.method == "POST" and request.path == "/v2/translate"
    assert request.headers["Authorization"] == f"DeepL-Auth-Key {fake_deepl.api_key}"
    assert "auth_key" not in request.query
    assert request.json() == {"text": ["Good morning", "Good night"], "source_lang": "EN", "target_lang": "ZH-HANT"}


async def test_deepl_free_and_pro_keys_pick_their_host() -> None:
    from bot.translation.settings import TranslationSettings

    free = TranslationSettings.from_env({"TRANSLATOR": "deepl", "DEEPL_API_KEY": "abc:fx"})
    pro = TranslationSettings.from_env({"TRANSLATOR": "deepl", "DEEPL_API_KEY": "abc"})
    assert free.deepl_api_url == "https://api-free.deepl.com"
    assert pro.deepl_api_url == "https://api.deepl.com"


async def test_libretranslate_sends_zh_and_the_api_key_in_the_body(fake_libretranslate, http_session) -> None:
    chain = TranslationChain([provider_for(fake_libretranslate, http_session)], timeout=5)
    await chain.translate(["Good morning"], "en", "zh-Hant")
    body = fake_libretranslate.requests[0].json()
    assert body == {"q": ["Good morning"], "source": "en", "target": "zh", "format": "text", "api_key": "fake-libre-key"}


async def test_libretranslate_reads_traditional_input_as_simplified(fake_libretranslate, http_session, fake_dictionary) -> None:
    [(english, chinese)] = sample_pairs(fake_dictionary, 1)
    from bot.translation.languages import to_traditional

    chain = TranslationChain([provider_for(fake_libretranslate, http_session)], timeout=5)
    outcome = await chain.translate([to_traditional(chinese)], "zh-Hant", "en")
    assert fake_libretranslate.requests[0].json()["source"] == "zh"
    assert outcome.texts == [english]


async def test_microsoft_sends_key_region_and_language_codes(fake_microsoft, http_session) -> None:
    await provider_for(fake_microsoft, http_session).translate(["Hi all"], "en", "zh-Hant")
    [request] = fake_microsoft.requests
    assert request.query == {"api-version": "3.0", "to": "zh-Hant", "from": "en"}
    assert request.headers["Ocp-Apim-Subscription-Key"] == fake_microsoft.api_key
    assert request.headers["Ocp-Apim-Subscription-Region"] == "eastasia"
    assert request.json() == [{"Text": "Hi all"}]


async def test_microsoft_permission_403_is_auth_not_quota(fake_microsoft, http_session) -> None:
    fake_microsoft.fail_next(Fault(403, {"error": {"code": 403000, "message": "The operation is not allowed."}}))
    with pytest.raises(ProviderError) as caught:
        await provider_for(fake_microsoft, http_session).translate(["Hi"], "en", "zh-Hans")
    assert caught.value.kind is FailureKind.AUTH


async def test_baidu_signs_the_request_and_asks_for_cht(fake_baidu, http_session) -> None:
    await provider_for(fake_baidu, http_session).translate(["Hi all"], "en", "zh-Hant")
    from urllib.parse import parse_qs

    form = {key: values[0] for key, values in parse_qs(fake_baidu.requests[0].body.decode()).items()}
    assert form["to"] == "cht" and form["from"] == "en" and form["appid"] == fake_baidu.app_id
    expected = hashlib.md5(f"{fake_baidu.app_id}{form['q']}{form['salt']}{fake_baidu.secret_key}".encode()).hexdigest()
    assert form["sign"] == expected


async def test_baidu_keeps_line_structure_of_each_text(fake_baidu, http_session, fake_dictionary) -> None:
    (a_en, a_zh), (b_en, b_zh), (c_en, c_zh) = sample_pairs(fake_dictionary, 3)
    result = await provider_for(fake_baidu, http_session).translate([f"{a_en}\n\n{b_en}", c_en], "en", "zh-Hans")
    assert result == [f"{a_zh}\n\n{b_zh}", c_zh]
    assert fake_baidu.request_count == 1


async def test_baidu_error_codes_map_to_failure_kinds(fake_baidu, http_session) -> None:
    provider = provider_for(fake_baidu, http_session)
    # (54003 and 54005 are tried again first: see test_provider_limits.)
    for code, kind in [("54004", FailureKind.QUOTA), ("58002", FailureKind.CONFIG),
                       ("52003", FailureKind.AUTH), ("52001", FailureKind.TIMEOUT), ("58001", FailureKind.REJECTED)]:
        fake_baidu.fail_next(fake_baidu.error(code, "x"))
        with pytest.raises(ProviderError) as caught:
            await provider.translate(["Hi"], "en", "zh-Hans")
        assert caught.value.kind is kind, code


async def test_mymemory_quota_warning_as_translation_is_a_failure(fake_mymemory, http_session) -> None:
    fake_mymemory.fail_next(fake_mymemory.quota_exceeded())
    with pytest.raises(ProviderError) as caught:
        await provider_for(fake_mymemory, http_session).translate(["Hello there"], "en", "zh-Hans")
    assert caught.value.kind is FailureKind.QUOTA
    assert "MYMEMORY WARNING" not in caught.value.message


async def test_mymemory_splits_long_text_under_500_bytes(fake_mymemory, http_session, fake_dictionary) -> None:
    text = " ".join(english for english, _ in sample_pairs(fake_dictionary, 100))
    assert len(text.encode()) > 1000
    [result] = await provider_for(fake_mymemory, http_session).translate([text], "en", "zh-Hans")
    assert fake_mymemory.request_count >= 3
    assert all(len(request.query["q"].encode()) <= 500 for request in fake_mymemory.requests)
    # The fake marks text it has no pair for; pieces come back in order, joined without spaces.
    assert result == "".join(f"〔译〕{piece}".strip() for piece in split_by_bytes(text))


async def test_mymemory_sends_langpair_and_contact_email(fake_mymemory, http_session) -> None:
    await provider_for(fake_mymemory, http_session).translate(["Hi all"], "en", "zh-Hant")
    query = fake_mymemory.requests[0].query
    assert query["langpair"] == "en-US|zh-TW"
    assert query["de"] == "bridge-admin@example.org"


async def test_mymemory_auto_source_assumes_the_bridge_direction(fake_mymemory, http_session) -> None:
    provider = provider_for(fake_mymemory, http_session)
    await provider.translate(["你好"], "auto", "en")
    await provider.translate(["Hi"], "auto", "zh-Hans")
    assert [request.query["langpair"] for request in fake_mymemory.requests] == ["zh-CN|en-US", "en-US|zh-CN"]


@given(st.text(alphabet=st.sampled_from("ab 你好。!.\n😀"), max_size=900), st.integers(min_value=8, max_value=60))
def test_split_by_bytes_keeps_text_and_limit(text: str, limit: int) -> None:
    pieces = split_by_bytes(text, limit)
    assert "".join(pieces) == text
    assert all(len(piece.encode()) <= limit for piece in pieces)
    assert all(pieces) or text == ""


async def test_openai_sends_model_prompt_and_bearer_key(fake_openai, http_session) -> None:
    await provider_for(fake_openai, http_session).translate(["xswl this is so funny"], "en", "zh-Hans")
    body = fake_openai.requests[0].json()
    assert fake_openai.requests[0].headers["Authorization"] == f"Bearer {fake_openai.api_key}"
    assert body["model"] == fake_openai.model
    system = body["messages"][0]["content"]
    assert "Simplified Chinese" in system and "yyds" in system and "Output only the translation" in system


async def test_openai_batch_answer_that_is_not_json_is_malformed(fake_openai, http_session) -> None:
    fake_openai.fail_next(Fault(200, {"choices": [{"message": {"role": "assistant", "content": "Sure! Here you go"}}]}))
    with pytest.raises(ProviderError) as caught:
        await provider_for(fake_openai, http_session).translate(["a b", "c d"], "en", "zh-Hans")
    assert caught.value.kind is FailureKind.MALFORMED


async def test_openai_works_without_a_key_on_a_local_server(fake_openai, http_session) -> None:
    fake_openai.api_key = ""
    provider = provider_for(fake_openai, http_session, OPENAI_API_KEY="")
    with pytest.raises(ProviderError):  # the fake still wants "Bearer " + ""; we send no header at all
        await provider.translate(["Hi"], "en", "zh-Hans")
    assert "Authorization" not in fake_openai.requests[0].headers


def test_google_result_parser_handles_entities_and_nesting() -> None:
    page = '<div class="x"><div class="result-container">Tom &amp; <b>我</b><div>们</div></div><div class="t0">no</div>'
    assert extract_result(page) == "Tom & 我们"
    assert extract_result('<div class="t0">老式</div>') == "老式"
    assert extract_result("<html>captcha</html>") is None


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    assert parse_retry_after("12") == 12
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == pytest.approx(10)
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


async def test_fake_mymemory_rejects_long_queries_like_the_real_one(http_session) -> None:
    async with FakeMyMemory() as server:
        async with http_session.get(f"{server.url}/get", params={"q": "x" * 600, "langpair": "en-US|zh-CN"}) as response:
            assert (await response.json())["responseStatus"] == 403
