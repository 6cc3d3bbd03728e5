"""The Swedish documentation is complete and keeps the markup of the English source.

The prose pages are written in English and translated through Sphinx's gettext catalogs in
``docs/locale/sv/LC_MESSAGES``. Rule texts are not in these catalogs: the ruleset pages take
them from the ruleset files in the page's language. ``nox -s docs-gettext`` refreshes the
catalogs from the sources; this test then names every paragraph left to translate.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

DOCS = Path(__file__).resolve().parents[1] / "docs"
CATALOGS = sorted((DOCS / "locale" / "sv" / "LC_MESSAGES").rglob("*.po"))

# what must come through translation unchanged: inline code, roles and their targets, links
_CODE = re.compile(r"``?[^`]+``?")
_ROLE = re.compile(r"\{[a-z:-]+\}`[^`]*`")
_LINK_TARGET = re.compile(r"\]\(([^)]+)\)")


def _markup(text: str) -> dict[str, list[str]]:
    roles = _ROLE.findall(text)
    rest = _ROLE.sub("", text)
    return {
        "code": sorted(_CODE.findall(rest)),
        "roles": sorted(_role_target(r) for r in roles),
        "links": sorted(_LINK_TARGET.findall(text)),
    }


def _role_target(role: str) -> str:
    """``{ref}`Pinning <concepts-pinning>``` -> ``{ref}concepts-pinning``: the title may be
    translated, the role and its target may not."""
    name, content = role.split("`")[0], role.split("`")[1]
    target = re.search(r"<([^>]+)>$", content)
    return name + (target[1] if target else content)


def _entries() -> list[tuple[str, str, str, bool]]:
    out = []
    for po in CATALOGS:
        with po.open("rb") as fh:
            catalog = read_po(fh)
        rel = po.relative_to(DOCS / "locale").as_posix()
        for m in catalog:
            if m.id:
                out.append((rel, str(m.id), str(m.string or ""), bool(m.fuzzy)))
    return out


def test_there_are_catalogs_for_the_prose_pages() -> None:
    names = {p.relative_to(DOCS / "locale" / "sv" / "LC_MESSAGES").as_posix() for p in CATALOGS}
    assert {"concepts.po", "getting-started.po", "howto/dialer.po"} <= names


def test_every_paragraph_has_a_swedish_translation() -> None:
    missing = [f"{rel}: {msgid[:70]!r}" for rel, msgid, string, fuzzy in _entries() if not string]
    fuzzy = [f"{rel}: {msgid[:70]!r}" for rel, msgid, string, fuzzy in _entries() if fuzzy]
    assert missing == [], f"{len(missing)} untranslated"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy"


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.stem)
def test_translations_keep_code_roles_and_links(po: Path) -> None:
    with po.open("rb") as fh:
        catalog = read_po(fh)
    wrong = [
        str(m.id)[:70]
        for m in catalog
        if m.id and m.string and _markup(str(m.id)) != _markup(str(m.string))
    ]
    assert wrong == []
