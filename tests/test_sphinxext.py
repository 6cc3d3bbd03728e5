"""The Sphinx extension: directives rendered from the ruleset data in the page's language,
warnings at the directive's location, no rule text in the message catalogs, generated pages,
incremental builds, and the real documentation site in both languages."""

from __future__ import annotations

import datetime as dt
import re
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest.importorskip("sphinx")

import sphinx.locale
from sphinx.cmd.build import build_main

from kontakta_rules import Catalog
from kontakta_rules.cli import help_pages
from kontakta_rules.i18n import Message, format_date, gettext
from kontakta_rules.render import BASIS_LABELS, SEVERITY_LABELS, format_value
from kontakta_rules.sphinxext import GENERATED_MARKER, generated_pages, rule_label
from kontakta_rules.text import Lang

ROOT = Path(__file__).resolve().parents[1]
LANGS: tuple[Lang, ...] = ("sv", "en")

CONF = 'extensions = ["kontakta_rules.sphinxext"]\n'
INDEX = """\
Rules
=====

.. toctree::

   cli

.. kontakta-ruleset:: nix-telefon@2017-07-01

   Our own words about NIX.

Quoted
------

.. kontakta-rule:: telemarketing-b2c@2021-07-01/record-offer-and-consent

.. kontakta-rule:: nix-telefon/check-before-call
   :lang: en
   :no-index:

Changes
-------

.. kontakta-ruleset-changes:: nix-telefon

See :ref:`nix-telefon@2017-07-01/listed-numbers`.
"""
CLI = """\
Commands
========

.. kontakta-cli::
"""


# --------------------------------------------------------------------------- helpers


def sphinx_build(
    src: Path, out: Path, *, builder: str = "html", lang: str = "en", strict: bool = True
) -> tuple[int, str]:
    """Build in-process; ``(exit status, warnings)``."""
    sphinx.locale.translators.clear()  # Sphinx's own labels: the language of this build
    warnings = out.parent / f"{out.name}-warnings.txt"
    args = ["-q", "-b", builder, "-D", f"language={lang}", "-w", str(warnings)]
    args += ["-d", str(out.parent / f"{out.name}-doctrees")]
    if strict:
        args += ["-W", "--keep-going"]
    status = build_main([*args, str(src), str(out)])
    return status, warnings.read_text(encoding="utf-8") if warnings.exists() else ""


def write_project(src: Path, conf: str, pages: dict[str, str]) -> Path:
    src.mkdir(parents=True, exist_ok=True)
    (src / "conf.py").write_text(conf, encoding="utf-8")
    for name, text in pages.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(text, encoding="utf-8")
    return src


class _Text(HTMLParser):
    """The visible text of an HTML page, or of the element with one id."""

    def __init__(self, element_id: str | None = None) -> None:
        super().__init__()
        self.element_id = element_id
        self.depth = 0 if element_id else 1
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.depth += 1
        elif ("id", self.element_id) in attrs:
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth and self.element_id:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def text_of(html: str, element_id: str | None = None) -> str:
    parser = _Text(element_id)
    parser.feed(html)
    return " ".join("".join(parser.parts).split())


def words(text: str) -> str:
    return " ".join(text.split())


def anchor(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


# --------------------------------------------------------------------------- a small site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """A small project using every directive, built in Swedish and in English with -W."""
    root = tmp_path_factory.mktemp("site")
    # nitpicky: links to versions the project does not show must stay silent all the same
    conf = CONF + "nitpicky = True\n"
    src = write_project(root / "src", conf, {"index.rst": INDEX, "cli.rst": CLI})
    pages: dict[str, dict[str, str]] = {}
    for lang in LANGS:
        started = time.perf_counter()
        status, warnings = sphinx_build(src, root / lang, lang=lang)
        print(f"small site ({lang}): {time.perf_counter() - started:.2f} s")
        assert (status, warnings) == (0, "")
        pages[lang] = {
            name: (root / lang / f"{name}.html").read_text(encoding="utf-8")
            for name in ("index", "cli")
        }
    return pages


@pytest.mark.parametrize("lang", LANGS)
def test_rule_text_is_in_the_page_language(site: dict[str, dict[str, str]], lang: Lang) -> None:
    rule = Catalog.default().resolve("nix-telefon@2017-07-01").rule("listed-numbers")
    other: Lang = "en" if lang == "sv" else "sv"
    page = text_of(site[lang]["index"])
    assert words(rule.title.get(lang)) in page
    assert words(rule.text.get(lang)) in page
    assert words(rule.text.get(other)) not in page
    assert f'<html lang="{lang}"' in site[lang]["index"]


def test_lang_option_overrides_the_page_language(site: dict[str, dict[str, str]]) -> None:
    rule = Catalog.default().resolve("nix-telefon@2017-07-01").rule("check-before-call")
    page = text_of(site["sv"]["index"])
    assert words(rule.text.sv) in page  # in the ruleset
    assert words(rule.text.en) in page  # the copy with :lang: en


@pytest.mark.parametrize("lang", LANGS)
def test_rule_section_shows_citation_basis_parameters_and_check(
    site: dict[str, dict[str, str]], lang: Lang
) -> None:
    rs = Catalog.default().resolve("nix-telefon@2017-07-01")
    rule = rs.rule("listed-numbers")
    section_id = anchor(rule_label(rs.id, rs.version, rule.id))
    assert section_id == "nix-telefon-2017-07-01-listed-numbers"
    html = site[lang]["index"]
    section = text_of(html, section_id)
    assert words(rule.text.get(lang)) in section
    assert f'href="{rule.citation.url}"' in html
    assert rule.citation.document in section
    assert format_value(rs.parameters["consent_validity"], lang) in section  # 3 months
    assert format_value(rs.parameters["customer_tail"], lang) in section
    assert gettext(SEVERITY_LABELS[rule.severity], lang) in section
    assert gettext(BASIS_LABELS[rule.basis], lang) in section
    assert f"nix-listed ({gettext('automatic', lang)})" in section
    assert "nix-telefon@2017-07-01/listed-numbers" in section
    manual = text_of(html, "nix-telefon-2017-07-01-foreign-callers-bound")
    assert f"manual ({gettext('manual', lang)})" in manual


@pytest.mark.parametrize("lang", LANGS)
def test_ruleset_header_and_labels(site: dict[str, dict[str, str]], lang: Lang) -> None:
    rs = Catalog.default().resolve("nix-telefon@2017-07-01")
    html = site[lang]["index"]
    header = text_of(html, "nix-telefon-2017-07-01")
    assert rs.issuer in header
    assert format_date(rs.version, lang) in header
    assert "sha256:" in header
    assert "Our own words about NIX." in header
    for name in rs.parameters:
        assert f'id="nix-telefon-2017-07-01-{name.replace("_", "-")}"' in html
    # the :ref: to a rule resolves to its anchor, with the rule's title as the link text
    assert 'href="#nix-telefon-2017-07-01-listed-numbers"' in html


@pytest.mark.parametrize("lang", LANGS)
def test_rule_directive(site: dict[str, dict[str, str]], lang: Lang) -> None:
    rs = Catalog.default().resolve("telemarketing-b2c@2021-07-01")
    rule = rs.rule("record-offer-and-consent")
    assert rule.effective_from == dt.date(2021, 9, 1)
    section = text_of(site[lang]["index"], anchor(rule_label(rs.id, rs.version, rule.id)))
    assert words(rule.title.get(lang)) in section
    assert words(rule.text.get(lang)) in section
    assert format_date(rule.effective_from, lang) in section
    assert words(rs.title.get(lang)) in section  # the link to its ruleset


@pytest.mark.parametrize("lang", LANGS)
def test_changes_directive(site: dict[str, dict[str, str]], lang: Lang) -> None:
    catalog = Catalog.default()
    old, new = catalog.resolve("nix-telefon@1999-11-01"), catalog.resolve("nix-telefon@2017-07-01")
    section = text_of(site[lang]["index"], "nix-telefon-changes-1999-11-01-2017-07-01")
    changed = Message(
        "parameter changed: {name}: {before} -> {after}",
        {
            "name": "nix_check_validity",
            "before": format_value(old.parameters["nix_check_validity"], lang),
            "after": format_value(new.parameters["nix_check_validity"], lang),
        },
    ).render(lang)
    assert changed in section  # 3 months -> 2 months
    added = Message("rule added: {id}", {"id": ""}).render(lang)
    title = new.rule("company-subscriptions").title.get(lang)
    assert f"{added}{title} (company-subscriptions)" in section


@pytest.mark.parametrize("lang", LANGS)
def test_encoding_revisions_on_the_ruleset_rule_and_changes_pages(
    site: dict[str, dict[str, str]], lang: Lang
) -> None:
    rs = Catalog.default().resolve("nix-telefon@2017-07-01")
    assert rs.revision == 2
    html = site[lang]["index"]
    header = text_of(html, "nix-telefon-2017-07-01")
    assert Message("Encoding revision").render(lang) in header
    log = text_of(html, "nix-telefon-2017-07-01-revisions")
    change = rs.revisions[0].changes[0]
    assert words(change.what.get(lang)) in log and rs.revisions[0].replaces in log
    assert f"[{change.review}]" in log
    family = text_of(html, "nix-telefon-revisions-2017-07-01")
    assert words(change.what.get(lang)) in family


@pytest.mark.parametrize("lang", LANGS)
def test_cli_reference_is_the_help_text(site: dict[str, dict[str, str]], lang: Lang) -> None:
    help_text = help_pages(lang)["kontakta-rules check calls"]
    section = text_of(site[lang]["cli"], "kontakta-rules-check-calls")
    assert words(help_text) in section


# --------------------------------------------------------------------------- warnings

BROKEN = """\
Broken
======

.. kontakta-ruleset:: no-such-ruleset

.. kontakta-ruleset:: nix-telefon@2001-01-01

.. kontakta-rule:: nix-telefon@2017-07-01/no-such-rule

.. kontakta-ruleset:: nix-telefon
   :rules: listed-numbers, nope

.. kontakta-rule:: nix-telefon@2017-07-01

.. kontakta-ruleset-changes:: nix-telefon@2017-07-01

.. kontakta-rule:: nix-telefon@2017-07-01/listed-numbers

.. kontakta-rule:: nix-telefon@2017-07-01/listed-numbers
"""


def test_unknown_references_are_warnings_at_the_directive(tmp_path: Path) -> None:
    src = write_project(tmp_path / "src", CONF, {"index.rst": BROKEN})
    status, warnings = sphinx_build(src, tmp_path / "out", strict=False)
    assert status == 0
    index = src / "index.rst"
    expected = {
        4: "no ruleset no-such-ruleset",
        6: "nix-telefon has no version 2001-01-01",
        8: "nix-telefon@2017-07-01 has no rule no-such-rule",
        10: "nix-telefon@2017-07-01 has no rule nope",
        13: "expected ID[@VERSION]/RULE-ID",
        15: "expected a ruleset id without a version",
        19: "nix-telefon@2017-07-01/listed-numbers is shown twice on this page",
    }
    lines = [line for line in warnings.splitlines() if "WARNING" in line]
    assert len(lines) == len(expected), warnings
    for line_no, text in expected.items():
        assert any(
            line.startswith(f"{index}:{line_no}: WARNING: ") and text in line for line in lines
        ), (line_no, warnings)
    assert all("[kontakta_rules." in line for line in lines)
    status, _ = sphinx_build(src, tmp_path / "strict")
    assert status != 0  # -W turns them into errors


# --------------------------------------------------------------------------- gettext


def test_rule_texts_are_not_extracted_for_translation(tmp_path: Path) -> None:
    conf = CONF + 'kontakta_rules_generate_pages = "rulesets"\ngettext_compact = False\n'
    index = """\
Site
====

.. toctree::

   cli
   rulesets/index

.. kontakta-ruleset:: nix-telefon@2017-07-01
   :no-index:

   Our own words about NIX.
"""
    src = write_project(tmp_path / "src", conf, {"index.rst": index, "cli.rst": CLI})
    status, warnings = sphinx_build(src, tmp_path / "gettext", builder="gettext")
    assert (status, warnings) == (0, "")
    catalogs = {
        p.relative_to(tmp_path / "gettext").as_posix(): p.read_text(encoding="utf-8")
        for p in (tmp_path / "gettext").rglob("*.pot")
    }
    # the generated pages hold nothing to translate, so they get no empty templates
    assert sorted(catalogs) == ["cli.pot", "index.pot"]
    extracted = "\n".join(catalogs.values())
    assert "Our own words about NIX." in extracted  # a directive's own content is prose
    catalog = Catalog.default()
    for rs in catalog:
        for rule in rs.rules:
            for lang in LANGS:
                assert rule.title.get(lang) not in extracted, rule.id
                assert rule.text.get(lang)[:60] not in extracted, rule.id
    for lang in LANGS:
        assert "kontakta-rules check calls" not in extracted
        assert gettext("Severity", lang) not in extracted


# --------------------------------------------------------------------------- generated pages


def _own_ruleset(folder: Path, version: str, title_en: str) -> Path:
    """A ruleset of one's own: the bundled NIX rules under another id and version."""
    source = (ROOT / "rulesets" / "nix-telefon" / "2017-07-01.toml").read_text(encoding="utf-8")
    text = source.replace('id = "nix-telefon"', 'id = "acme-nix"')
    text = text.replace("version = 2017-07-01", f"version = {version}")
    text = text.replace('en = "Rules for NIX-Telefon"', f'en = "{title_en}"')
    path = folder / "acme-nix" / f"{version}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_generated_pages_for_bundled_and_own_rulesets(tmp_path: Path) -> None:
    conf = CONF + (
        'kontakta_rules_generate_pages = "rulesets"\nkontakta_rules_paths = ["own-rulesets"]\n'
    )
    index = "Site\n====\n\n.. toctree::\n\n   rulesets/index\n"
    src = write_project(tmp_path / "src", conf, {"index.rst": index})
    _own_ruleset(src / "own-rulesets", "2026-01-01", "Acme's NIX rules")
    generated = src / "rulesets"
    (generated / "stale").mkdir(parents=True)
    (generated / "stale" / "2000-01-01.rst").write_text(GENERATED_MARKER + "\n", "utf-8")
    (generated / "mine.rst").write_text("Mine\n====\n", "utf-8")
    out = tmp_path / "html"

    started = time.perf_counter()
    status, warnings = sphinx_build(src, out, strict=False)
    print(f"generated pages, first build: {time.perf_counter() - started:.2f} s")
    assert status == 0, warnings
    assert "mine.rst: WARNING: document isn't included in any toctree" in warnings
    catalog = Catalog.default()
    for rs in catalog:
        assert (out / "rulesets" / rs.id / f"{rs.version.isoformat()}.html").is_file()
    acme = text_of((out / "rulesets" / "acme-nix" / "2026-01-01.html").read_text("utf-8"))
    assert "Acme's NIX rules, version 2026-01-01" in acme
    assert not (generated / "stale").exists()  # a page for a version that is gone
    assert (generated / "mine.rst").read_text("utf-8") == "Mine\n====\n"  # not ours
    assert sorted(p.relative_to(generated).as_posix() for p in generated.rglob("*.rst")) == sorted(
        [*generated_pages(catalog_with_own(src)), "mine.rst"]
    )

    # a second build rewrites nothing and reads nothing again
    doctree = out.parent / "html-doctrees" / "rulesets" / "acme-nix" / "2026-01-01.doctree"
    times = {p: p.stat().st_mtime_ns for p in [*generated.rglob("*.rst"), doctree]}
    status, warnings = sphinx_build(src, out, strict=False)
    assert status == 0, warnings
    assert {p: p.stat().st_mtime_ns for p in times} == times

    # a new version of one's own ruleset: a new page, and the older one is "replaced"
    _own_ruleset(src / "own-rulesets", "2027-01-01", "Acme's NIX rules, revised")
    status, warnings = sphinx_build(src, out, strict=False)
    assert status == 0, warnings
    older = text_of((out / "rulesets" / "acme-nix" / "2026-01-01.html").read_text("utf-8"))
    assert f"replaced on {format_date(dt.date(2027, 1, 1), 'en')}" in older
    family_html = (out / "rulesets" / "acme-nix" / "index.html").read_text("utf-8")
    assert "Acme's NIX rules, revised" in text_of(family_html)
    # the links the directives make resolve where the project has the page
    assert 'href="2026-01-01.html#acme-nix-2026-01-01"' in family_html
    older_html = (out / "rulesets" / "acme-nix" / "2026-01-01.html").read_text("utf-8")
    assert 'href="2027-01-01.html#acme-nix-2027-01-01"' in older_html  # the next version
    assert (out / "rulesets" / "acme-nix" / "2027-01-01.html").is_file()


def catalog_with_own(src: Path) -> Catalog:
    return Catalog([*Catalog.default().roots, src / "own-rulesets"])


# --------------------------------------------------------------------------- the docs' examples

_FENCE = re.compile(r"^(`{3,})(\w+)\n(.*?)^\1$", re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize("source", ["docs/extension.md", "README.md"])
def test_the_examples_in_the_extension_page_build(tmp_path: Path, source: str) -> None:
    """Every rst and MyST example on docs/extension.md (and the README), each on a page of
    its own."""
    page = (ROOT / source).read_text(encoding="utf-8")
    examples = {
        f"example{i}.{'rst' if info == 'rst' else 'md'}": body
        for i, (_, info, body) in enumerate(_FENCE.findall(page))
        if info in ("rst", "md")
    }
    assert len(examples) >= (7 if source.startswith("docs") else 1)
    toctree = "".join(f"   {name.rpartition('.')[0]}\n" for name in examples)
    pages = {"index.rst": f"Examples\n========\n\n.. toctree::\n\n{toctree}"}
    for name, body in examples.items():
        title = f"{name}\n{'=' * len(name)}\n\n" if name.endswith(".rst") else f"# {name}\n\n"
        pages[name] = title + body
    conf = 'extensions = ["myst_parser", "kontakta_rules.sphinxext"]\n'
    src = write_project(tmp_path / "src", conf, pages)
    status, warnings = sphinx_build(src, tmp_path / "out", strict=False)
    assert status == 0
    problems = [
        line
        for line in warnings.splitlines()
        if "WARNING" in line and "duplicate label" not in line  # the same rule, twice
    ]
    assert problems == []


# --------------------------------------------------------------------------- the real site


@pytest.mark.slow
def test_the_documentation_builds_in_both_languages(tmp_path: Path) -> None:
    """``nox -s docs`` in-process: the real site with -W, English and Swedish."""
    catalog = Catalog.default()
    rule = catalog.resolve("nix-telefon@2017-07-01").rule("listed-numbers")
    for lang in LANGS:
        out = tmp_path / lang
        started = time.perf_counter()
        status, warnings = sphinx_build(ROOT / "docs", out, lang=lang)
        print(f"docs/ ({lang}): {time.perf_counter() - started:.2f} s")
        assert (status, warnings) == (0, "")
        for rs in catalog:
            page = out / "rulesets" / rs.id / f"{rs.version.isoformat()}.html"
            assert page.is_file(), page
        page = (out / "rulesets" / "nix-telefon" / "2017-07-01.html").read_text("utf-8")
        assert words(rule.text.get(lang)) in text_of(page)
        family = (out / "rulesets" / "nix-telefon" / "index.html").read_text("utf-8")
        assert 'href="2017-07-01.html#nix-telefon-2017-07-01-company-subscriptions"' in family
        for name in ("index", "cli", "api", "extension", "rulesets/index"):
            assert (out / f"{name}.html").is_file(), name
        other = "en" if lang == "sv" else "sv"  # each page links to itself in the other site
        assert f'href="../../../{other}/rulesets/nix-telefon/2017-07-01.html"' in page
        # a corrected rule says so on its own page: revision, date and what changed
        law = catalog.resolve("swedish-law@2018-09-01")
        fixes = [c for r in law.revisions for c in r.changes if c.rule == "written-acceptance"]
        assert {c.review for c in fixes} == {"D3", "D5"}
        fix = fixes[0]
        law_page = (out / "rulesets" / "swedish-law" / "2018-09-01.html").read_text("utf-8")
        section = text_of(law_page, "swedish-law-2018-09-01-written-acceptance")
        assert words(fix.what.get(lang)) in section
        assert words(Message("Corrected in").render(lang)) in section


@pytest.mark.slow
def test_the_swedish_catalogs_cover_every_paragraph_of_the_sources(tmp_path: Path) -> None:
    """An English paragraph edited after the last translation would show in English on the
    Swedish site without a warning: extract the sources now and require a Swedish string for
    every message (``nox -s docs-gettext`` then translating fixes a failure)."""
    from babel.messages.pofile import read_po

    out = tmp_path / "gettext"
    status, warnings = sphinx_build(ROOT / "docs", out, builder="gettext")
    assert (status, warnings) == (0, "")
    locale = ROOT / "docs" / "locale" / "sv" / "LC_MESSAGES"
    missing = []
    for pot in sorted(out.rglob("*.pot")):
        rel = pot.relative_to(out).with_suffix(".po")
        with pot.open("rb") as fh:
            wanted = [str(m.id) for m in read_po(fh) if m.id]
        po = locale / rel
        have: dict[str, str] = {}
        if po.exists():
            with po.open("rb") as fh:
                have = {str(m.id): str(m.string) for m in read_po(fh) if m.id and not m.fuzzy}
        missing += [f"{rel}: {msgid[:60]!r}" for msgid in wanted if not have.get(msgid)]
    assert missing == []
