"""Application command validation at sync time, with the limits and error shapes real Discord uses.

Sources: Discord's "Application Commands" reference (naming regex, 1-32 / 1-100 lengths, 25 options and
choices, required options first, 4000 combined characters) and the 50035 Invalid Form Body errors Discord
answers with (`errors` keyed by the command's index in a bulk PUT).
"""

from __future__ import annotations

from typing import Any

from . import errors as E

CHAT_INPUT, USER, MESSAGE = 1, 2, 3
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, NUMBER = 3, 4, 10
CHANNEL = 7

# Locales Discord accepts as keys of *_localizations.
LOCALES = frozenset({
    "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl", "no", "pl",
    "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th", "zh-CN", "ja", "zh-TW",
    "ko",
})
MAX_COMMANDS = {CHAT_INPUT: 100, USER: 15, MESSAGE: 15}
MAX_COMBINED = 4000


def _name_char_ok(ch: str) -> bool:
    # ^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$ (Python's `re` has no \p{..}: isalnum() covers L and N)
    return ch in "-_'" or ch.isalnum() or "\u0900" <= ch <= "\u097f" or "\u0e00" <= ch <= "\u0e7f"


def chat_input_name_problem(name: Any) -> str | None:
    if not isinstance(name, str) or not 1 <= len(name) <= 32:
        return "BASE_TYPE_BAD_LENGTH"
    if not all(_name_char_ok(ch) for ch in name):
        return "APPLICATION_COMMAND_INVALID_NAME"
    if name != name.lower():
        return "APPLICATION_COMMAND_INVALID_NAME"
    return None


def _problem(path: str, code: str, message: str) -> E.DiscordError:
    return E.invalid_form(E.field_error(path, code, message))


def _check_name(path: str, name: Any, *, chat_input: bool) -> None:
    if chat_input:
        problem = chat_input_name_problem(name)
        if problem == "BASE_TYPE_BAD_LENGTH":
            raise _problem(path, problem, "Must be between 1 and 32 in length.")
        if problem:
            raise _problem(path, problem, "Command name is invalid")
    elif not isinstance(name, str) or not 1 <= len(name) <= 32:
        raise _problem(path, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.")


def _check_text(path: str, text: Any, low: int, high: int) -> None:
    if not isinstance(text, str) or not low <= len(text) <= high:
        raise _problem(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")


def _check_localizations(path: str, values: Any, check) -> None:
    if values is None:
        return
    if not isinstance(values, dict):
        raise _problem(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
    for locale, value in values.items():
        if locale not in LOCALES:
            raise _problem(f"{path}.{locale}", "LOCALE_INVALID", f"Invalid locale: {locale}")
        check(f"{path}.{locale}", value)


def _check_choices(path: str, option: dict[str, Any], counter: list[int]) -> None:
    choices = option.get("choices")
    if not choices:
        return
    if option.get("autocomplete"):
        raise _problem(f"{path}.autocomplete", "APPLICATION_COMMAND_AUTOCOMPLETE_INCOMPATIBLE_WITH_CHOICES",
                       "Autocomplete cannot be enabled with choices")
    if len(choices) > 25:
        raise _problem(f"{path}.choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for i, choice in enumerate(choices):
        where = f"{path}.choices.{i}"
        _check_text(f"{where}.name", choice.get("name"), 1, 100)
        _check_localizations(f"{where}.name_localizations", choice.get("name_localizations"),
                             lambda p, v: _check_text(p, v, 1, 100))
        value = choice.get("value")
        if option.get("type") == STRING and (not isinstance(value, str) or len(value) > 100):
            raise _problem(f"{where}.value", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        counter[0] += len(choice.get("name") or "") + len(str(value))


def _check_options(path: str, options: Any, counter: list[int], depth: int) -> None:
    if options is None:
        return
    if len(options) > 25:
        raise _problem(path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    kinds = {int(o.get("type", 0)) for o in options}
    if kinds & {SUB_COMMAND, SUB_COMMAND_GROUP} and kinds - {SUB_COMMAND, SUB_COMMAND_GROUP}:
        raise _problem(path, "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                       "Sub-command and sub-command group option types are mutually exclusive to all other types")
    names = [o.get("name") for o in options]
    if len(names) != len(set(names)):
        raise _problem(path, "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option names must be unique")
    seen_optional = False
    for i, option in enumerate(options):
        where = f"{path}.{i}"
        kind = int(option.get("type", 0))
        if kind == SUB_COMMAND_GROUP and depth > 0 or kind == SUB_COMMAND and depth > 1:
            raise _problem(f"{where}.type", "APPLICATION_COMMAND_OPTION_TYPE_INVALID", "Invalid nesting")
        _check_name(f"{where}.name", option.get("name"), chat_input=True)
        _check_localizations(f"{where}.name_localizations", option.get("name_localizations"),
                             lambda p, v: _check_name(p, v, chat_input=True))
        _check_text(f"{where}.description", option.get("description"), 1, 100)
        _check_localizations(f"{where}.description_localizations", option.get("description_localizations"),
                             lambda p, v: _check_text(p, v, 1, 100))
        counter[0] += len(option.get("name") or "") + len(option.get("description") or "")
        if kind in (SUB_COMMAND, SUB_COMMAND_GROUP):
            _check_options(f"{where}.options", option.get("options"), counter, depth + (2 if kind == SUB_COMMAND else 1))
            continue
        if option.get("required"):
            if seen_optional:
                raise _problem(f"{where}.required", "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                               "Required options must be placed before non-required options")
        else:
            seen_optional = True
        _check_choices(where, option, counter)
        _check_lengths(where, option, kind)


STRING = 3


def _check_lengths(path: str, option: dict[str, Any], kind: int) -> None:
    """min_length 0-6000 and max_length 1-6000, for string options only (what the client enforces)."""
    for field, low in (("min_length", 0), ("max_length", 1)):
        value = option.get(field)
        if value is None:
            continue
        if kind != STRING:
            raise _problem(f"{path}.{field}", "APPLICATION_COMMAND_OPTION_INVALID", f"{field} is only for string options")
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= 6000:
            raise _problem(f"{path}.{field}", "NUMBER_TYPE_MAX" if isinstance(value, int) and value > 6000
                           else "NUMBER_TYPE_MIN", f"int value should be between {low} and 6000.")
    if option.get("min_length") is not None and option.get("max_length") is not None \
            and option["min_length"] > option["max_length"]:
        raise _problem(f"{path}.min_length", "APPLICATION_COMMAND_OPTION_INVALID",
                       "min_length must be less than or equal to max_length")


def validate_command(data: Any, path: str = "") -> None:
    """Raise Discord's 50035 for a command definition real Discord would refuse."""
    prefix = f"{path}." if path else ""
    if not isinstance(data, dict):
        raise _problem(path or "_errors", "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
    kind = int(data.get("type", CHAT_INPUT))
    chat_input = kind == CHAT_INPUT
    _check_name(f"{prefix}name", data.get("name"), chat_input=chat_input)
    _check_localizations(f"{prefix}name_localizations", data.get("name_localizations"),
                         lambda p, v: _check_name(p, v, chat_input=chat_input))
    if chat_input:
        _check_text(f"{prefix}description", data.get("description"), 1, 100)
        _check_localizations(f"{prefix}description_localizations", data.get("description_localizations"),
                             lambda p, v: _check_text(p, v, 1, 100))
    elif data.get("description") or data.get("options"):
        raise _problem(f"{prefix}description", "APPLICATION_COMMAND_CONTEXT_MENU_INVALID",
                       "Context menu commands cannot have description or options")
    perms = data.get("default_member_permissions")
    if perms is not None and not str(perms).isdigit():
        raise _problem(f"{prefix}default_member_permissions", "BASE_TYPE_INVALID", "Invalid permissions")
    counter = [len(data.get("name") or "") + len(data.get("description") or "")]
    _check_options(f"{prefix}options", data.get("options"), counter, 0)
    if counter[0] > MAX_COMBINED:
        raise _problem(prefix + "_errors" if not prefix else path, "APPLICATION_COMMAND_TOO_LARGE",
                       "Command exceeds maximum size (4000)")


def validate_commands(body: Any) -> None:
    if not isinstance(body, list):
        raise _problem("_errors", "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")
    counts: dict[int, int] = {}
    for i, command in enumerate(body):
        validate_command(command, str(i))
        kind = int(command.get("type", CHAT_INPUT))
        counts[kind] = counts.get(kind, 0) + 1
    for kind, count in counts.items():
        if count > MAX_COMMANDS.get(kind, 100):
            raise E.DiscordError(400, 30032, "Maximum number of application commands reached")


def validate_autocomplete(data: dict[str, Any]) -> None:
    """An autocomplete answer (interaction response type 8): at most 25 choices, names 1-100, values <= 100."""
    choices = data.get("choices")
    if choices is None:
        raise _problem("data.choices", "BASE_TYPE_REQUIRED", "This field is required")
    if len(choices) > 25:
        raise _problem("data.choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for i, choice in enumerate(choices):
        _check_text(f"data.choices.{i}.name", choice.get("name"), 1, 100)
        value = choice.get("value")
        if isinstance(value, str) and len(value) > 100:
            raise _problem(f"data.choices.{i}.value", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        if value is None:
            raise _problem(f"data.choices.{i}.value", "BASE_TYPE_REQUIRED", "This field is required")
