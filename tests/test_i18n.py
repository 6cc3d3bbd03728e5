"""Every message in code has its Swedish translation; language resolution."""

from __future__ import annotations

import datetime as dt
import io
import string
from gettext import GNUTranslations
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from hypothesis import given
from hypothesis import strategies as st

import kontakta_rules
from kontakta_rules.i18n import (
    Message,
    compile_catalog,
    format_date,
    format_datetime,
    format_duration,
    format_list,
    format_month,
    format_time,
    format_weekday,
    gettext,
    missing_translations,
    read_catalog,
    resolve_lang,
    translations,
)

SRC = Path(kontakta_rules.__file__).parent
# what `nox -s catalog-extract` looks for: babel's own keywords (gettext, ngettext, ...) and ours
KEYWORDS = {**DEFAULT_KEYWORDS, "Message": None, "N_": None, "_t": None, "Plural": (1, 2)}


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


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_placeholders_match_in_both_languages() -> None:
    """Every Swedish form (plural forms too) has the msgid's fields and formats cleanly."""
    for entry in read_catalog("sv"):
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if "%(" in ids[0] or "%s" in ids[0]:  # argparse's own %-style messages
            assert all(form.count("%") == ids[0].count("%") for form in forms), ids[0]
            continue
        wanted = _fields(ids[0])
        for form in forms:
            assert _fields(form) == wanted, (ids[0], form)
            form.format(**dict.fromkeys(wanted, "x"))


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


def test_compiled_catalog_matches_its_source() -> None:
    """A stale ``.mo`` (the ``.po`` edited after the last build) would show old Swedish."""
    mo = SRC / "locale" / "sv" / "LC_MESSAGES" / "kontakta_rules.mo"
    if not mo.exists():
        pytest.skip("no compiled catalog in this checkout: messages are compiled in memory")
    built = GNUTranslations(io.BytesIO(mo.read_bytes()))
    fresh = GNUTranslations(io.BytesIO(compile_catalog("sv")))
    messages = [{k: v for k, v in t._catalog.items() if k} for t in (built, fresh)]  # type: ignore[attr-defined]
    assert messages[0] == messages[1], "run `nox -s catalog-compile` to recompile the catalog"


def test_the_catalog_header_is_not_fuzzy() -> None:
    """pybabel compiles nothing from a catalog whose header is marked fuzzy."""
    assert not read_catalog("sv").fuzzy


def test_translations_come_from_a_compiled_catalog() -> None:
    assert isinstance(translations("sv"), GNUTranslations)
    assert translations("sv").gettext("required field missing") == "obligatoriskt fält saknas"
    assert gettext("required field missing", "en") == "required field missing"


STOCKHOLM_2100 = dt.datetime(2026, 11, 24, 21, 0, tzinfo=ZoneInfo("Europe/Stockholm"))


def test_datetimes_read_naturally_in_each_language() -> None:
    assert format_datetime(STOCKHOLM_2100, "sv") == "tisdag 24 november 2026 kl. 21:00"
    assert format_datetime(STOCKHOLM_2100, "en") == "Tuesday, 24 November 2026 at 9:00 PM"
    utc = STOCKHOLM_2100.astimezone(dt.UTC)  # shown in Stockholm time, where rules judge it
    assert format_datetime(utc, "sv") == "tisdag 24 november 2026 kl. 21:00"


def test_dates_lists_weekdays_and_durations_per_language() -> None:
    day = dt.date(2021, 7, 1)
    assert (format_date(day, "sv"), format_date(day, "en")) == ("1 juli 2021", "1 July 2021")
    assert format_date(day, "sv", weekday=True) == "torsdag 1 juli 2021"
    assert (format_month(day, "sv"), format_month(day, "en")) == ("juli 2021", "July 2021")
    assert format_list(["a", "b", "c"], "sv") == "a, b och c"
    assert format_list(["a", "b", "c"], "en") == "a, b and c"
    assert [format_weekday(i, "sv") for i in (0, 6)] == ["måndag", "söndag"]
    assert [format_weekday(i, "en") for i in (0, 6)] == ["Monday", "Sunday"]
    assert format_duration(5400, "sv") == "1,5 timmar"
    assert format_duration(3599, "en") == "1 hour"  # the unit is chosen after rounding
    assert format_duration(42, "sv") == "42 sekunder"
    assert format_duration(5400, "en") == "1.5 hours"
    assert format_time(dt.time(8, 5), "sv") == "08:05"
    assert format_time(dt.time(8, 5), "en") == "8:05 AM"


def test_message_values_are_formatted_for_the_language() -> None:
    m = Message("the person asked on {date} not to be called again", {"date": dt.date(2026, 3, 2)})
    assert m.render("en") == "the person asked on 2 March 2026 not to be called again"
    assert "2 mars 2026" in m.render("sv")
    listed = Message("not said: {items}", {"items": ("agent-name", "recording-notice")})
    assert listed.render("en").endswith("agent-name and recording-notice")
    assert listed.render("sv").endswith("agent-name och recording-notice")


@given(
    st.datetimes(
        min_value=dt.datetime(2000, 1, 1),
        max_value=dt.datetime(2040, 12, 31),
        timezones=st.just(ZoneInfo("Europe/Stockholm")),
        allow_imaginary=False,
    )
)
def test_formatted_datetime_shows_the_stockholm_wall_clock(moment: dt.datetime) -> None:
    """Across DST changes the shown day and time are the Stockholm wall clock's."""
    local = moment.astimezone(ZoneInfo("Europe/Stockholm"))
    sv = format_datetime(moment.astimezone(dt.UTC), "sv")
    assert sv.endswith(f" kl. {local:%H:%M}")
    assert f" {local.day} " in sv and str(local.year) in sv
    en = format_datetime(moment.astimezone(dt.UTC), "en")
    hour = local.hour % 12 or 12
    assert en.endswith(f" at {hour}:{local:%M} {'AM' if local.hour < 12 else 'PM'}")


def test_plural_messages_choose_their_form_in_each_language() -> None:
    from kontakta_rules.i18n import Plural

    def evaluated(n: int) -> Message:
        return Plural(
            "{subjects} record evaluated, {rejected} rejected",
            "{subjects} records evaluated, {rejected} rejected",
            "subjects",
            {"subjects": n, "rejected": 0},
        )

    assert evaluated(1).render("en") == "1 record evaluated, 0 rejected"
    assert evaluated(2).render("en") == "2 records evaluated, 0 rejected"
    assert evaluated(1).render("sv") == "1 post utvärderad, 0 avvisade"
    assert evaluated(0).render("sv") == "0 poster utvärderade, 0 avvisade"


@given(st.floats(min_value=0, max_value=10_000_000, allow_nan=False))
def test_a_duration_reads_as_its_own_length(seconds: float) -> None:
    """The number shown, times its unit, is the duration within the rounding of one decimal,
    and no unit reads 60 or more of itself where the next unit exists (no "60 minutes")."""
    shown = format_duration(seconds, "en")
    number, unit = shown.split(" ", 1)
    size = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}[unit.rstrip("s")]
    value = float(number.replace(",", ""))
    assert abs(value * size - seconds) <= 0.05 * size + 1e-9
    limit = {1: 60, 60: 60, 3600: 48}.get(size)
    assert limit is None or value < limit
