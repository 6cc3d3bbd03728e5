"""The command line, end to end (in process, and once as the installed console script)."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import subprocess
import tomllib
from pathlib import Path

import jsonschema
import pytest

from kontakta_rules.catalog import Catalog, bundled_rulesets_dir
from kontakta_rules.cli import help_pages, main

DATA = Path(__file__).parent / "data"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_list_text_names_every_family_and_counts_manual_rules() -> None:
    code, out, _ = run("list", "--lang", "en")
    assert code == 0
    for family in (
        "accessibility-act",
        "ai-act",
        "consumer-law-customer-service",
        "customer-service",
        "customer-service-practice",
        "nix-telefon",
        "swedish-law",
        "telemarketing-b2b",
        "telemarketing-b2c",
    ):
        assert family in out
    assert "9 rulesets" in out and "automatic" in out and "manual" in out


def test_list_json_totals() -> None:
    code, out, _ = run("list", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["totals"]["families"] == 9
    assert data["totals"]["versions"] >= 8
    assert data["totals"]["rules"] >= 40
    assert data["totals"]["automatic"] + data["totals"]["manual"] == data["totals"]["rules"]


def test_list_in_swedish() -> None:
    _, out, _ = run("list", "--lang", "sv")
    assert "regeluppsättningar" in out and "LAGER" in out


@pytest.mark.parametrize("ref", [f"{rs.id}@{rs.version}" for rs in Catalog.default()])
def test_show_json_has_both_languages_and_a_url_for_every_rule(ref: str) -> None:
    code, out, _ = run("show", ref, "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["ref"] == ref
    assert data["fingerprint"].startswith("sha256:")
    assert data["rules"]
    for rule in data["rules"]:
        for key in ("title", "text"):
            assert rule[key]["sv"].strip() and rule[key]["en"].strip()
        assert rule["citation"]["url"].startswith("http")
        assert isinstance(rule["automatic"], bool)
        assert rule["check"]["kind"]


def test_show_text_in_both_languages() -> None:
    _, sv, _ = run("show", "nix-telefon@2017-07-01", "--lang", "sv")
    _, en, _ = run("show", "nix-telefon@2017-07-01", "--lang", "en")
    assert "Ring inte spärrade nummer" in sv and "Källa:" in sv and "2 månader" in sv
    assert "Do not call registered numbers" in en and "Source:" in en and "2 months" in en


def test_show_unknown_ruleset_exits_2() -> None:
    code, _, err = run("show", "nix-telefon@2001-01-01", "--lang", "en")
    assert code == 2 and "has no version 2001-01-01" in err


def test_diff_shows_the_nix_window_change() -> None:
    code, out, _ = run("diff", "nix-telefon@1999-11-01", "nix-telefon@2017-07-01", "--lang", "en")
    assert code == 0
    assert "parameter changed: nix_check_validity: 3 months -> 2 months" in out
    assert "rule added: list-vendor-responsibility" in out
    code, out, _ = run(
        "diff", "nix-telefon@2017-07-01", "nix-telefon@2017-07-01", "--format", "json"
    )
    assert json.loads(out)["rules_changed"] == []


def test_validate_good_and_bad_files() -> None:
    code, out, _ = run("validate", str(DATA / "minimal.toml"), "--lang", "en")
    assert code == 0 and "valid (test-rules@2020-01-01)" in out
    code, _, err = run("validate", str(DATA / "bad" / "unknown-key.toml"), "--lang", "en")
    assert code == 1
    assert "$.colour: unknown key" in err and "1 problem found" in err
    code, _, err = run("validate", str(DATA / "bad" / "unknown-key.toml"), "--lang", "sv")
    assert "okänd nyckel" in err


def test_validate_overlay_against_the_catalog(tmp_path: Path) -> None:
    code, out, _ = run("validate", str(DATA / "overlays" / "good.toml"), "--lang", "en")
    assert code == 0 and "acme-policy@2026-01-01" in out
    bad = tmp_path / "weak.toml"
    bad.write_text(
        (DATA / "overlays" / "good.toml")
        .read_text(encoding="utf-8")
        .replace("nix_check_validity = 1", "nix_check_validity = 4"),
        encoding="utf-8",
    )
    code, _, err = run("validate", str(bad), "--lang", "en")
    assert code == 1 and "$.set.nix_check_validity" in err


def test_fingerprint_command_matches_show() -> None:
    _, out, _ = run("fingerprint", "swedish-law@2018-09-01")
    _, shown, _ = run("show", "swedish-law@2018-09-01", "--format", "json")
    assert out.split()[0] == json.loads(shown)["fingerprint"]


def _as_json_data(value: object) -> object:
    if isinstance(value, dict):
        return {k: _as_json_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json_data(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.mark.parametrize("name", ["ruleset", "overlay"])
def test_schema_is_valid_json_schema(name: str) -> None:
    code, out, _ = run("schema", name)
    assert code == 0
    assert "attr.ib" not in out, "attrs' own docstrings must not leak into the schema"
    jsonschema.Draft202012Validator.check_schema(json.loads(out))


def test_schema_accepts_every_bundled_file_and_rejects_an_unknown_key() -> None:
    schema = json.loads(run("schema", "ruleset")[1])
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    for path in sorted(bundled_rulesets_dir().glob("*/*.toml")):
        if path.parent.name == "_lists":
            continue  # shared value lists, not rulesets
        data = _as_json_data(tomllib.loads(path.read_text(encoding="utf-8")))
        assert list(validator.iter_errors(data)) == [], path
    bad = _as_json_data(
        tomllib.loads((DATA / "bad" / "unknown-key.toml").read_text(encoding="utf-8"))
    )
    assert not validator.is_valid(bad)
    overlay = json.loads(run("schema", "overlay")[1])
    good = _as_json_data(
        tomllib.loads((DATA / "overlays" / "good.toml").read_text(encoding="utf-8"))
    )
    jsonschema.validate(good, overlay)


def test_usage_error_exits_2() -> None:
    code, _, _ = run("show")
    assert code == 2


@pytest.mark.skipif(shutil.which("kontakta-rules") is None, reason="console script not installed")
def test_console_script() -> None:
    result = subprocess.run(
        ["kontakta-rules", "list", "--lang", "en"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and "telemarketing-b2c" in result.stdout


# --------------------------------------------------------------------------- check calls / decide

POLICY = str(DATA / "overlays" / "dialer-policy.toml")


def _files(tmp_path: Path) -> tuple[str, str, str]:
    register = tmp_path / "nix.txt"
    register.write_text("# updated: 2026-11-01\n070-111 22 33\n", encoding="utf-8")
    context = tmp_path / "context.json"
    context.write_text(
        json.dumps(
            {
                "calling_organisation": "Acme AB",
                "subscription": "private",
                "target": "consumer",
                "caller_id_shown": True,
                "previous_calls": [],
                "do_not_call_requests": [],
            }
        ),
        encoding="utf-8",
    )
    calls = tmp_path / "calls.jsonl"
    good = {
        "call_id": "ok",
        "started_at": "2026-11-24T10:00:00+01:00",
        "ended_at": "2026-11-24T10:03:00+01:00",
        "calling_organisation": "Acme AB",
        "destination": "070-174 06 05",
        "purpose": "market-research",
    }
    calls.write_text(json.dumps(good) + "\n", encoding="utf-8")
    return str(register), str(context), str(calls)


def test_decide_outside_the_window_names_the_earliest_time(tmp_path: Path) -> None:
    register, context, _ = _files(tmp_path)
    code, out, _ = run(
        "decide",
        "070-174 06 05",
        "--at",
        "2026-11-24T21:00:00+01:00",
        "--purpose",
        "sales",
        "--context",
        context,
        "--policy",
        POLICY,
        "--nix",
        register,
        "--format",
        "json",
    )
    data = json.loads(out)
    assert code == 1 and data["allowed"] is False
    assert data["earliest"] == "2026-11-25T09:00:00+01:00"
    code, out, _ = run(
        "decide",
        "070-174 06 05",
        "--at",
        "2026-11-25T09:00:00+01:00",
        "--purpose",
        "sales",
        "--context",
        context,
        "--policy",
        POLICY,
        "--nix",
        register,
        "--lang",
        "sv",
    )
    assert code == 0 and out.startswith("tillåtet")


def test_decide_listed_number_in_swedish(tmp_path: Path) -> None:
    register, context, _ = _files(tmp_path)
    code, out, _ = run(
        "decide",
        "070-111 22 33",
        "--at",
        "2026-11-24T10:00:00+01:00",
        "--purpose",
        "sales",
        "--context",
        context,
        "--policy",
        POLICY,
        "--nix",
        register,
        "--lang",
        "sv",
    )
    assert code == 1 and out.startswith("inte tillåtet") and "numret finns i NIX" in out
    assert out.count("numret finns i NIX") == 1


def test_check_calls_exit_codes_and_formats(tmp_path: Path) -> None:
    register, _, calls = _files(tmp_path)
    code, out, _ = run(
        "check", "calls", calls, "--policy", POLICY, "--nix", register, "--format", "json"
    )
    data = json.loads(out)
    assert data["schema_version"] == 2 and data["rejected"] == []
    assert code == (1 if data["counts"]["violation"] else 0)
    code, out, _ = run("check", "calls", calls, "--format", "csv")
    assert out.splitlines()[0].startswith("subject_id,outcome,ruleset_id")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    code, out, _ = run("check", "calls", str(bad), "--lang", "en")
    assert code == 2 and "rejected: " in out and "line 1" in out


def test_check_calls_with_a_bad_policy_is_unusable_input(tmp_path: Path) -> None:
    _, _, calls = _files(tmp_path)
    code, _, err = run("check", "calls", calls, "--policy", str(DATA / "bad" / "unknown-key.toml"))
    assert code == 2 and err


def test_help_and_argument_errors_speak_the_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--lang", "sv", "--format", "xml"]) == 2
    err = capsys.readouterr().err
    assert "användning: kontakta-rules list" in err
    assert "fel: argumentet --format: ogiltigt val: 'xml'" in err
    assert main(["list", "--lang=en", "--format", "xml"]) == 2
    assert "error: argument --format: invalid choice: 'xml'" in capsys.readouterr().err


def test_help_pages_cover_every_command_in_both_languages() -> None:
    sv, en = help_pages("sv"), help_pages("en")
    assert sv.keys() == en.keys()
    assert {"kontakta-rules check calls", "kontakta-rules decide"} <= sv.keys()
    assert sv["kontakta-rules check calls"].startswith("användning: kontakta-rules check calls")
    assert "flaggor:" in sv["kontakta-rules check calls"]
    assert en["kontakta-rules check calls"].startswith("usage: kontakta-rules check calls")
    assert all(max(len(line) for line in page.splitlines()) <= 88 for page in en.values())


def test_decide_reports_an_unreadable_context_file(tmp_path: Path) -> None:
    bad = tmp_path / "facts.json"
    bad.write_text("{not json", encoding="utf-8")
    argv = ["decide", "070-174 06 10", "--at", "2026-11-24T10:00:00+01:00", "--purpose", "sales"]
    code, _, err = run(*argv, "--context", str(bad), "--lang", "en")
    assert code == 2 and f"{bad}: $: not valid JSON" in err
    bad.write_text("[1, 2]", encoding="utf-8")
    code, _, err = run(*argv, "--context", str(bad), "--lang", "en")
    assert code == 2 and "expected a JSON object of call-record fields" in err
    code, _, err = run(*argv, "--context", str(tmp_path / "missing.json"), "--lang", "en")
    assert code == 2 and "missing.json: cannot read the file: there is no such file" in err


def test_decide_with_a_naive_time_is_not_allowed_and_unusable() -> None:
    argv = ["decide", "070-174 06 10", "--at", "2026-11-24T10:00:00", "--purpose", "sales"]
    code, out, _ = run(*argv, "--lang", "en")
    assert code == 2  # unusable input, not an answer about the call
    assert out.startswith("not allowed\n") and "timezone" in out


def test_diff_shows_values_with_their_units_in_each_language() -> None:
    code, out, _ = run("diff", "nix-telefon@1999-11-01", "nix-telefon@2017-07-01", "--lang", "en")
    assert code == 0 and "parameter changed: nix_check_validity: 3 months -> 2 months" in out
    _, out, _ = run("diff", "nix-telefon@1999-11-01", "nix-telefon@2017-07-01", "--lang", "sv")
    assert "nix_check_validity: 3 månader -> 2 månader" in out
