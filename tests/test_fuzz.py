"""Fuzzing every loader and the command line: random bytes, mutated example files, random
JSON and CSV cells. Nothing may escape but the project's own errors, and the command line
must answer 0, 1 or 2 (never 3, an internal error, and never a traceback).

The default run tries a few dozen inputs per target so the harness itself is always tested;
``nox -s fuzz`` sets ``KONTAKTA_FUZZ_EXAMPLES`` and runs for about two minutes.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kontakta_rules.catalog import CatalogError
from kontakta_rules.cli import EXIT_INTERNAL, main
from kontakta_rules.errors import InputError, LoadError
from kontakta_rules.loading import load_overlay, load_ruleset
from kontakta_rules.nix import NixRegister
from kontakta_rules.subjects.call_io import read_call_records
from kontakta_rules.subjects.process_io import read_contacts, read_service_process
from kontakta_rules.subjects.script import Confirmation, Script, WrittenOffer

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
EXAMPLES_PER_TARGET = int(os.environ.get("KONTAKTA_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES_PER_TARGET,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=EXAMPLES_PER_TARGET <= 25,  # the default run is the same every time
)
OURS = (LoadError, InputError, CatalogError)


def _file(data: bytes, suffix: str) -> Path:
    handle, name = tempfile.mkstemp(suffix=suffix, prefix="fuzz-")
    with os.fdopen(handle, "wb") as fh:
        fh.write(data)
    return Path(name)


def _mutations(seed: bytes) -> st.SearchStrategy[bytes]:
    """``seed`` with random bytes replaced, inserted or cut (most stay nearly valid, which is
    where parsers break)."""

    @st.composite
    def mutate(draw: st.DrawFn) -> bytes:
        data = bytearray(seed)
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, max(len(data) - 1, 0)))
            kind = draw(st.sampled_from(["replace", "insert", "cut"]))
            chunk = draw(st.binary(min_size=1, max_size=8))
            if kind == "replace":
                data[at : at + len(chunk)] = chunk
            elif kind == "insert":
                data[at:at] = chunk
            else:
                del data[at : at + len(chunk)]
        return bytes(data)

    return mutate()


def _cli(argv: list[str], data: bytes, suffix: str) -> tuple[int, str]:
    """Run the command line with ``{}`` in ``argv`` replaced by a file holding ``data``; the
    answer must be a status, never an internal error or a traceback."""
    path = _file(data, suffix)
    try:
        out, err = io.StringIO(), io.StringIO()
        code = main([a.replace("{}", str(path)) for a in argv], out=out, err=err)
    finally:
        path.unlink()
    assert code in (0, 1, 2), (code, err.getvalue()[-2000:])
    assert code != EXIT_INTERNAL and "Traceback" not in err.getvalue()
    return code, out.getvalue()


def _inputs(seed: Path) -> st.SearchStrategy[bytes]:
    return st.one_of(st.binary(max_size=400), _mutations(seed.read_bytes()[:3000]))


def _consume(load: Callable[[Path], object], data: bytes, suffix: str) -> None:
    path = _file(data, suffix)
    try:
        result = load(path)
        if hasattr(result, "__iter__") and not isinstance(result, str | bytes):
            for _ in result:  # readers are lazy: read to the end
                pass
    except OURS:
        pass
    finally:
        path.unlink()


LOADERS: dict[str, tuple[Callable[[Path], object], Path, str]] = {
    "calls-jsonl": (read_call_records, EXAMPLES / "calls.jsonl", ".jsonl"),
    "calls-csv": (read_call_records, EXAMPLES / "contacts.csv", ".csv"),
    "nix-register": (NixRegister.load, EXAMPLES / "nix-register.txt", ".txt"),
    "contacts": (read_contacts, EXAMPLES / "contacts.csv", ".csv"),
    "overlay": (load_overlay, EXAMPLES / "policy.toml", ".toml"),
    "ruleset": (load_ruleset, ROOT / "rulesets" / "nix-telefon" / "2017-07-01.toml", ".toml"),
    "process": (read_service_process, EXAMPLES / "service-process-good.toml", ".toml"),
    "script": (
        lambda p: Script.read(p, "sv"),
        EXAMPLES / "scripts" / "sv-01-el-kompliant.txt",
        ".txt",
    ),
    "offer": (
        lambda p: WrittenOffer.read(p, "sv"),
        EXAMPLES / "offers" / "sv-erbjudande-01-el-komplett.txt",
        ".txt",
    ),
    "confirmation": (
        lambda p: Confirmation.read(p, "en"),
        EXAMPLES / "offers" / "en-offer-01-broadband-complete.txt",
        ".txt",
    ),
}


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_a_loader_raises_only_its_own_errors(name: str) -> None:
    load, seed, suffix = LOADERS[name]

    @FUZZ
    @given(_inputs(seed))
    def check(data: bytes) -> None:
        _consume(load, data, suffix)

    check()


COMMANDS: dict[str, tuple[list[str], Path, str]] = {
    "check calls": (["check", "calls", "{}"], EXAMPLES / "calls.jsonl", ".jsonl"),
    "check calls csv": (["check", "calls", "{}"], EXAMPLES / "contacts.csv", ".csv"),
    "check calls policy": (
        ["check", "calls", str(EXAMPLES / "calls.jsonl"), "--policy", "{}"],
        EXAMPLES / "policy.toml",
        ".toml",
    ),
    "decide nix": (
        [
            "decide",
            "070-174 06 05",
            "--at",
            "2026-11-24T10:00+01:00",
            "--purpose",
            "sales",
            "--nix",
            "{}",
        ],
        EXAMPLES / "nix-register.txt",
        ".txt",
    ),
    "decide context": (
        [
            "decide",
            "070-174 06 05",
            "--at",
            "2026-11-24T10:00+01:00",
            "--purpose",
            "sales",
            "--context",
            "{}",
        ],
        EXAMPLES / "pre-dial-facts.json",
        ".json",
    ),
    "validate": (["validate", "{}"], EXAMPLES / "policy.toml", ".toml"),
    "check script": (
        ["check", "script", "{}", "--text-lang", "sv"],
        EXAMPLES / "scripts" / "sv-03-el-undersokning-sms.txt",
        ".txt",
    ),
    "check process": (["check", "process", "{}"], EXAMPLES / "service-process-poor.toml", ".toml"),
    "check process contacts": (
        ["check", "process", str(EXAMPLES / "service-process-good.toml"), "--contacts", "{}"],
        EXAMPLES / "contacts.csv",
        ".csv",
    ),
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_command_line_answers_with_a_status_not_a_traceback(name: str) -> None:
    argv, seed, suffix = COMMANDS[name]

    @FUZZ
    @given(_inputs(seed), st.sampled_from(["sv", "en"]), st.sampled_from(["text", "json", "csv"]))
    def check(data: bytes, lang: str, fmt: str) -> None:
        args = [*argv, "--lang", lang]
        _cli([*args, "--format", fmt] if args[0] == "check" else args, data, suffix)

    check()


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
_GOOD = json.loads((EXAMPLES / "calls.jsonl").read_text(encoding="utf-8").splitlines()[1])


@FUZZ
@given(st.dictionaries(st.sampled_from(sorted(_GOOD)), _JSON, min_size=1, max_size=5))
def test_any_value_in_any_field_is_judged_or_rejected(changes: dict[str, object]) -> None:
    record = {**_GOOD, **changes}
    line = json.dumps(record, allow_nan=True) + "\n"
    _, out = _cli(["check", "calls", "{}", "--format", "json"], line.encode(), ".jsonl")
    data = json.loads(out)
    assert data["subjects"] + len(data["rejected"]) == 1, "every line is accounted for"


@FUZZ
@given(st.lists(st.text(max_size=20), min_size=6, max_size=6))
def test_any_csv_cells_are_judged_or_rejected(cells: list[str]) -> None:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["call_id", "started_at", "ended_at", "calling_organisation", "destination", "purpose"]
    )
    writer.writerow(cells)
    code, out = _cli(
        ["check", "calls", "{}", "--format", "json"], buffer.getvalue().encode(), ".csv"
    )
    if code != 2 or out:
        data = json.loads(out)
        assert data["subjects"] + len(data["rejected"]) in (0, 1)


_ANY_MOMENT = st.datetimes(
    min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30), timezones=st.timezones()
)


@FUZZ
@given(_ANY_MOMENT, _ANY_MOMENT, st.sampled_from(["started_at", "offer_sent_at", "accepted_at"]))
def test_any_moment_in_a_record_is_judged_or_rejected(
    start: dt.datetime, other: dt.datetime, field: str
) -> None:
    record = {**_GOOD, "started_at": start.isoformat(), "ended_at": start.isoformat()}
    record[field] = other.isoformat() if field != "started_at" else record["started_at"]
    _cli(
        ["check", "calls", "{}", "--format", "json"], (json.dumps(record) + "\n").encode(), ".jsonl"
    )


@FUZZ
@given(_ANY_MOMENT, _ANY_MOMENT, st.booleans())
def test_any_moment_in_a_contact_log_is_used_or_rejected(
    received: dt.datetime, answered: dt.datetime, complaint: bool
) -> None:
    text = (
        "channel,received,answered,resolved,complaint\n"
        f"email,{received.isoformat()},{answered.isoformat()},,{'yes' if complaint else 'no'}\n"
    )
    good = str(EXAMPLES / "service-process-good.toml")
    _cli(["check", "process", good, "--contacts", "{}"], text.encode(), ".csv")
