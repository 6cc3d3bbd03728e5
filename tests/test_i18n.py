"""Every message in code has its Swedish translation; language resolution."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

import kontakta_rules
from kontakta_rules.i18n import Message, gettext, missing_translations, resolve_lang

SRC = Path(kontakta_rules.__file__).parent
KEYWORDS = {"Message": None, "N_": None, "_t": None, "_": None}


def _msgids() -> list[str]:
    found = extract_from_dir(str(SRC), method_map=[("**.py", "python")], keywords=KEYWORDS)
    ids = {msg if isinstance(msg, str) else msg[0] for _, _, msg, _, _ in found}
    return sorted(i for i in ids if i)


def test_messages_are_found_in_code() -> None:
    ids = _msgids()
    assert len(ids) > 50
    assert "required field missing" in ids


def test_every_message_has_a_swedish_translation() -> None:
    assert missing_translations(_msgids(), "sv") == []


def test_placeholders_match_in_both_languages() -> None:
    for msgid in _msgids():
        sv = gettext(msgid, "sv")
        assert set(re.findall(r"\{(\w+)\}", sv)) == set(re.findall(r"\{(\w+)\}", msgid)), msgid


def test_message_renders_nested_messages_in_each_language() -> None:
    m = Message("expected {what}, got {got}", {"what": Message("an integer"), "got": "'x'"})
    assert m.render("en") == "expected an integer, got 'x'"
    assert m.render("sv") == "förväntade ett heltal, fick 'x'"
    assert m.text().sv == m.render("sv")


@pytest.mark.parametrize(
    ("explicit", "env", "want"),
    [
        ("en", {"LANG": "sv_SE.UTF-8"}, "en"),
        (None, {"KONTAKTA_RULES_LANG": "en", "LANG": "sv_SE.UTF-8"}, "en"),
        (None, {"LANG": "en_GB.UTF-8"}, "en"),
        (None, {"LC_ALL": "sv_SE.UTF-8", "LANG": "en_US.UTF-8"}, "sv"),
        (None, {"LANG": "C.UTF-8"}, "sv"),
        (None, {"LANG": "de_DE.UTF-8"}, "sv"),
        (None, {}, "sv"),
    ],
)
def test_resolve_lang(explicit: str | None, env: dict[str, str], want: str) -> None:
    assert resolve_lang(explicit, env) == want


def test_resolve_lang_rejects_other_languages() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        resolve_lang("de")
