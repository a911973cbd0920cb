"""TranslationSettings.from_env: defaults, validation, secrets."""

from __future__ import annotations

import pytest

from bot.errors import ConfigError
from bot.translation.settings import PROVIDER_NAMES, TRANSLATION_ENV_VARS, TranslationSettings


def test_defaults_need_no_configuration() -> None:
    settings = TranslationSettings.from_env({})
    assert settings.chain == ("google",)
    assert settings.timeout == 8 and settings.cache_size == 5000
    assert settings.google_url == "https://translate.google.com"


def test_chain_is_ordered_and_normalised() -> None:
    env = {"TRANSLATOR": " DeepL , google ", "DEEPL_API_KEY": "k:fx"}
    assert TranslationSettings.from_env(env).chain == ("deepl", "google")


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"TRANSLATOR": "bing"}, "unknown provider 'bing'"),
        ({"TRANSLATOR": "google,google"}, "more than once"),
        ({"TRANSLATOR": "deepl"}, "DEEPL_API_KEY is not set"),
        ({"TRANSLATOR": "baidu", "BAIDU_APP_ID": "1"}, "BAIDU_SECRET_KEY is not set"),
        ({"TRANSLATOR": "libretranslate"}, "LIBRETRANSLATE_URL is not set"),
        ({"TRANSLATOR": "microsoft"}, "MICROSOFT_TRANSLATOR_KEY is not set"),
        ({"TRANSLATOR": "openai"}, "OPENAI_API_KEY is not set"),
        ({"TRANSLATION_TIMEOUT": "soon"}, "TRANSLATION_TIMEOUT must be a number"),
        ({"TRANSLATION_TIMEOUT": "0"}, "between 0 and 120"),
        ({"TRANSLATION_CACHE_SIZE": "1.5"}, "TRANSLATION_CACHE_SIZE must be a whole number"),
        ({"TRANSLATION_CACHE_SIZE": "-1"}, "0 or more"),
        ({"GOOGLE_TRANSLATE_URL": "translate.google.com"}, "GOOGLE_TRANSLATE_URL must be an http(s) URL"),
        ({"TRANSLATOR": "libretranslate", "LIBRETRANSLATE_URL": "localhost:5000"}, "LIBRETRANSLATE_URL must be"),
    ],
)
def test_bad_values_are_reported(env, fragment) -> None:
    with pytest.raises(ConfigError) as caught:
        TranslationSettings.from_env(env)
    assert any(fragment in problem for problem in caught.value.problems), caught.value.problems


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        TranslationSettings.from_env({"TRANSLATOR": "deepl,nope", "TRANSLATION_TIMEOUT": "x"})
    assert len(caught.value.problems) == 3


def test_local_openai_compatible_server_needs_no_key() -> None:
    settings = TranslationSettings.from_env({"TRANSLATOR": "openai", "OPENAI_BASE_URL": "http://127.0.0.1:8080/v1"})
    assert settings.openai_api_key is None


def test_secrets_do_not_show_in_repr_or_errors() -> None:
    env = {"TRANSLATOR": "deepl,microsoft,nope", "DEEPL_API_KEY": "deepl-secret:fx",
           "MICROSOFT_TRANSLATOR_KEY": "ms-secret", "OPENAI_API_KEY": "sk-secret"}
    with pytest.raises(ConfigError) as caught:
        TranslationSettings.from_env(env)
    assert "secret" not in str(caught.value)
    settings = TranslationSettings.from_env({**env, "TRANSLATOR": "deepl,microsoft"})
    for shown in (repr(settings), str(settings), f"{settings.deepl_api_key}", repr(settings.openai_api_key)):
        assert "secret" not in shown
    assert settings.deepl_api_key.reveal() == "deepl-secret:fx"
    assert sorted(settings.secret_values()) == ["deepl-secret:fx", "ms-secret", "sk-secret"]


def test_env_var_list_documents_every_provider_setting() -> None:
    names = [name for name, _, _ in TRANSLATION_ENV_VARS]
    assert len(names) == len(set(names))
    assert all(description for _, description, _ in TRANSLATION_ENV_VARS)
    assert "TRANSLATOR" in names and all(provider in TRANSLATION_ENV_VARS[0][1] for provider in PROVIDER_NAMES)
