"""Swedish numbers as people write them normalise to one E.164 form."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kontakta_rules.phone import PhoneNumberError, is_mobile, to_e164


@pytest.mark.parametrize(
    "written",
    [
        "070-174 06 05",
        "+46 70 174 06 05",
        "0046701740605",
        "0701740605",
        "+46 (0)70-174 06 05",
        "070.174.06.05",
    ],
)
def test_ways_of_writing_one_number(written: str) -> None:
    assert to_e164(written) == "+46701740605"


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("+47 22 00 00 00", "not a Swedish number"),
        ("0047 22000000", "not a Swedish number"),
        ("46701740605", "leading 0, +46 or 0046"),
        ("070-174 06 0x", "not a telephone number"),
        ("0701", "7 to 9 digits"),
        ("07017406051234", "7 to 9 digits"),
        ("", "leading 0"),
    ],
)
def test_foreign_and_invalid_numbers_are_refused(written: str, reason: str) -> None:
    with pytest.raises(PhoneNumberError, match=re.escape(reason)):
        to_e164(written)


def test_error_messages_exist_in_swedish() -> None:
    with pytest.raises(PhoneNumberError) as info:
        to_e164("+47 22 00 00 00")
    assert "inte ett svenskt nummer" in info.value.message.render("sv")


def test_mobile_series() -> None:
    assert is_mobile("+46701740605") and is_mobile("+46761234567")
    assert not is_mobile("+46812345678") and not is_mobile("+4620123456")


_nsn = st.from_regex(
    r"7[02369][0-9]{7}|8[0-9]{6,8}|(11|13|31|40|90)[0-9]{5,7}|(910|498|340)[0-9]{5,6}|20[0-9]{4,7}",
    fullmatch=True,
)


@given(
    _nsn,
    st.sampled_from(["0{}", "+46{}", "0046{}", "+46 {}", "0{} "]),
    st.lists(st.sampled_from([" ", "-"]), max_size=3),
)
def test_every_written_form_gives_the_same_e164(
    nsn: str, template: str, separators: list[str]
) -> None:
    digits = list(nsn)
    for i, sep in enumerate(separators):
        digits.insert(1 + 2 * i, sep)
    written = template.format("".join(digits))
    assert to_e164(written) == f"+46{nsn}"


@pytest.mark.parametrize(
    "written",
    [
        "０７０-１７４ ０６ ０５",  # fullwidth
        "٠٧٠١٧٤٠٦٠٥",  # Arabic-Indic
        "070-174 06 0²",  # superscript
        "070-174 ٠٦ 05",  # mixed scripts
        "＋46 70 174 06 05",  # fullwidth plus
        "070\u2009174\u200906\u200905\u0301",  # a combining mark
    ],
)
def test_only_ascii_digits_are_digits(written: str) -> None:
    with pytest.raises(PhoneNumberError, match="0–9"):
        to_e164(written)


def test_documented_separators_are_accepted() -> None:
    for written in (
        "070 174 06 05",
        "070-174-06-05",
        "070\u00a0174\u00a006\u00a005",
        "(070) 174 06 05",
        "070/174 06 05",
        "070–174 06 05",
    ):
        assert to_e164(written) == "+46701740605", written


def test_register_look_ups_never_crash_on_odd_digits() -> None:
    from kontakta_rules.nix import NixRegister

    register = NixRegister.from_lines(["# updated: 2026-11-01", "0701740605"])
    for odd in ("+46７01740605", "+4670174060²", "+46٧٠١٧٤٠٦٠٥"):
        with pytest.raises(PhoneNumberError):
            _ = odd in register


# --------------------------------------------------------------------------- libphonenumber


def _theirs(nsn: str) -> tuple[bool, bool]:
    """(valid, mobile) for ``+46<nsn>`` according to Google's libphonenumber."""
    import phonenumbers

    number = phonenumbers.parse(f"+46{nsn}")
    valid = phonenumbers.is_valid_number(number)
    return valid, valid and phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE


def _ours(nsn: str) -> tuple[bool, bool]:
    try:
        e164 = to_e164(f"0{nsn}")
    except PhoneNumberError:
        return False, False
    return True, is_mobile(e164)


# Operator routing addresses (libphonenumber calls them "voicemail"): nobody dials or registers
# them, and they are 12 digits long; refused on purpose.
_ROUTING = re.compile(r"(?:25[245]|67[3-68])[0-9]{9}")


@example("9910000")  # premium rate 099 + 5 digits: refused until a CI run drew it
@given(st.from_regex(r"[1-9][0-9]{5,11}", fullmatch=True))
def test_no_number_libphonenumber_knows_is_refused(nsn: str) -> None:
    """Refusing a real number would refuse a whole NIX register: every number libphonenumber
    calls valid is accepted, except the deliberate differences below."""
    valid, _ = _theirs(nsn)
    if valid and not _ROUTING.fullmatch(nsn):
        assert _ours(nsn)[0], nsn


@given(st.from_regex(r"7[0-9]{8}", fullmatch=True))
def test_mobile_series_agree_except_078(nsn: str) -> None:
    ours, theirs = _ours(nsn), _theirs(nsn)
    if ours[0] and theirs[0] and not nsn.startswith("78"):
        assert ours[1] == theirs[1], nsn


@pytest.mark.parametrize(
    ("nsn", "why"),
    [
        ("781234567", "078 is operator-specific in PTS's plan; libphonenumber files it as mobile"),
        ("741234567", "0741 paging: PTS gives all of 074 to paging"),
        ("750123456", "0750 personal numbers: PTS gives all of 075 to personal numbers"),
        ("759123456", "0759 personal numbers"),
        ("778123456", "0778 shared cost: PTS gives all of 077 to shared cost"),
        (
            "1812345",
            "018 + 5 digits: never refused for an unassigned range (a NIX file would fail)",
        ),
        ("3112345", "031 + 5 digits, the same"),
    ],
)
def test_deliberate_differences_from_libphonenumber(nsn: str, why: str) -> None:
    """Kept on purpose (the reason is the parameter); a change on either side shows here."""
    assert _ours(nsn) != _theirs(nsn), why
    assert _ours(nsn)[0], why
