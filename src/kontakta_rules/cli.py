"""The ``kontakta-rules`` command line.

Exit status: 0 success; 1 a file is invalid (``validate``); 2 unusable input or arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import functools
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from . import render
from .canonical import fingerprint, to_data
from .catalog import Catalog, CatalogError, parse_ref
from .conformance import ProcessReport
from .dialer import Decision, decide_record
from .diff import diff_rulesets
from .evaluate import CallEvaluator, ProcessEvaluator, TextEvaluator
from .i18n import N_, Message, Plural, format_number, gettext, resolve_lang, translations
from .loading import (
    LoadError,
    Problem,
    is_overlay_data,
    load_overlay,
    overlay_from_data,
    read_toml,
    ruleset_from_data,
)
from .model import RejectedInput, Report
from .nix import NixRegister
from .report import (
    process_report_data,
    process_report_text,
    report_csv_rows,
    report_data,
    report_text,
)
from .report_html import process_report_html, report_html
from .schema import SCHEMAS
from .stacking import overlay_problems
from .subjects.call_io import Item, read_call_records, record_from_data
from .subjects.process_io import read_contacts, read_service_process
from .subjects.script import DOCUMENT_TYPES, Script, WrittenDocument
from .text import Lang

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 141  # as a shell reports a process ended by SIGPIPE
REPORT_FORMATS = ("text", "json", "csv", "html")
HELP_WIDTH = 88

# argparse's own messages (usage, headings, errors): translated by our catalog while the
# command line runs (see _argparse_speaks)
ARGPARSE_MSGIDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("expected one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("%(prog)s: error: %(message)s\n"),
)


@contextlib.contextmanager
def _argparse_speaks(lang: Lang) -> Iterator[None]:
    """Let argparse's own messages speak ``lang`` while building and using a parser."""
    catalog = translations(lang)
    saved: tuple[Callable[..., str], Callable[..., str]] = (argparse._, argparse.ngettext)  # type: ignore[attr-defined]
    argparse._ = catalog.gettext  # type: ignore[attr-defined]
    argparse.ngettext = catalog.ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


def _parser(lang: Lang) -> argparse.ArgumentParser:
    def _(msgid: str) -> str:
        return gettext(msgid, lang)

    report_format = argparse.ArgumentParser(add_help=False)
    report_format.add_argument(
        "--format",
        choices=REPORT_FORMATS,
        default="text",
        help=_("output format: text, JSON (versioned schema), CSV or a self-contained HTML page"),
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--lang",
        choices=["sv", "en"],
        help=_("language of the output (default: from the environment, else sv)"),
    )
    fmt = argparse.ArgumentParser(add_help=False)
    fmt.add_argument("--format", choices=["text", "json"], default="text", help=_("output format"))

    p = argparse.ArgumentParser(
        prog="kontakta-rules",
        description=_(
            "Kontakta's rules for telephone sales, customer service and NIX-Telefon as versioned, cited data."
        ),
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("list", parents=[common, fmt], help=_("list rulesets, versions and rule counts"))
    show = sub.add_parser(
        "show", parents=[common, fmt], help=_("show one ruleset version with all its rules")
    )
    show.add_argument("ref", metavar="ID[@VERSION]")
    d = sub.add_parser("diff", parents=[common, fmt], help=_("what changed between two versions"))
    d.add_argument("old", metavar="ID@A")
    d.add_argument("new", metavar="ID@B")
    v = sub.add_parser("validate", parents=[common], help=_("check a ruleset or overlay file"))
    v.add_argument("file", type=Path, metavar="FILE")
    f = sub.add_parser(
        "fingerprint", parents=[common], help=_("print the fingerprint of a ruleset version")
    )
    f.add_argument("ref", metavar="ID@VERSION")
    s = sub.add_parser("schema", parents=[common], help=_("print the JSON Schema of a file format"))
    s.add_argument("name", choices=sorted(SCHEMAS))

    policy = argparse.ArgumentParser(add_help=False)
    policy.add_argument(
        "--policy", type=Path, metavar="OVERLAY", help=_("the organisation's overlay file")
    )
    policy.add_argument(
        "--pin",
        action="append",
        default=[],
        metavar="ID@VERSION",
        help=_("use this version whatever the record's date (repeatable)"),
    )
    stack = argparse.ArgumentParser(add_help=False, parents=[policy])
    stack.add_argument("--nix", type=Path, metavar="REGISTER", help=_("a NIX register snapshot"))

    check = sub.add_parser("check", help=_("check subjects against the rules"))
    what = check.add_subparsers(dest="subject", required=True, metavar="SUBJECT")
    calls = what.add_parser(
        "calls",
        parents=[common, stack, report_format],
        help=_("audit call records (.jsonl or .csv)"),
    )
    calls.add_argument("file", type=Path, metavar="FILE")

    texts = argparse.ArgumentParser(add_help=False, parents=[policy, report_format])
    texts.add_argument("file", type=Path, metavar="FILE")
    texts.add_argument(
        "--at",
        type=dt.date.fromisoformat,
        metavar="DATE",
        help=_("judge by the rules in force on this day (default: today)"),
    )
    what.add_parser(
        "script",
        parents=[common, texts],
        help=_("check a call script or transcript (--lang is also the script's language)"),
    )
    documents = argparse.ArgumentParser(add_help=False)
    documents.add_argument(
        "--offer-category",
        metavar="CATEGORY",
        help=_("what is sold; lottery and gaming are outside the Distance Contracts Act"),
    )
    what.add_parser("offer", parents=[common, texts, documents], help=_("check a written offer"))
    what.add_parser(
        "confirmation",
        parents=[common, texts, documents],
        help=_("check a confirmation sent after a call"),
    )

    process = what.add_parser(
        "process",
        parents=[common, texts],
        help=_("check a customer-service process description (.toml)"),
    )
    process.add_argument(
        "--contacts",
        type=Path,
        metavar="CSV",
        help=_("a contact log to compute the KPIs from and judge the declared targets"),
    )

    dec = sub.add_parser(
        "decide", parents=[common, stack], help=_("may this number be called now?")
    )
    dec.add_argument("number", metavar="NUMBER")
    dec.add_argument(
        "--at", required=True, metavar="ISO-TIME", help=_("the moment of the call, with a timezone")
    )
    dec.add_argument(
        "--purpose", required=True, help=_("sales, marketing, fundraising, market-research, ...")
    )
    dec.add_argument(
        "--context",
        type=Path,
        metavar="FILE",
        help=_("JSON with what is known before the call (call-record fields)"),
    )
    dec.add_argument("--format", choices=["text", "json"], default="text", help=_("output format"))
    return p


def help_pages(lang: Lang) -> dict[str, str]:
    """The ``--help`` text of the program and of every command in ``lang``, keyed by the
    command line that shows it (``kontakta-rules``, ``kontakta-rules check calls``, ...).
    The CLI reference in the docs is generated from this, so it cannot drift."""
    pages: dict[str, str] = {}

    def walk(parser: argparse.ArgumentParser) -> None:
        parser.formatter_class = functools.partial(argparse.HelpFormatter, width=HELP_WIDTH)
        if hasattr(parser, "color"):  # Python 3.14+ colours help on a terminal; pages are text
            parser.color = False
        pages[parser.prog] = parser.format_help()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    walk(sub)

    with _argparse_speaks(lang):
        walk(_parser(lang))
    return pages


def _print_json(data: Any, out: TextIO) -> None:
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")


def _cmd_list(args: argparse.Namespace, lang: Lang, out: TextIO, err: TextIO) -> int:
    catalog = Catalog.default()
    rulesets = list(catalog)
    if args.format == "json":
        _print_json(render.list_data(catalog, rulesets), out)
    else:
        out.write(render.list_text(catalog, rulesets, lang))
    return EXIT_OK


def _cmd_show(args: argparse.Namespace, lang: Lang, out: TextIO, err: TextIO) -> int:
    catalog = Catalog.default()
    rs = catalog.resolve(args.ref)
    if args.format == "json":
        _print_json(render.ruleset_data(rs, catalog.valid_until(rs)), out)
    else:
        out.write(render.ruleset_text(rs, catalog.valid_until(rs), lang))
    return EXIT_OK


def _cmd_diff(args: argparse.Namespace, lang: Lang, out: TextIO, err: TextIO) -> int:
    catalog = Catalog.default()
    old, new = catalog.resolve(args.old), catalog.resolve(args.new)
    result = diff_rulesets(old, new)
    if args.format == "json":
        _print_json(to_data(result), out)
    else:
        out.write(render.diff_text(result, old, new, lang))
    return EXIT_OK


def _cmd_fingerprint(args: argparse.Namespace, lang: Lang, out: TextIO, err: TextIO) -> int:
    rs = Catalog.default().get(*parse_ref(args.ref))
    out.write(f"{fingerprint(rs)}  {rs.ref}\n")
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace, lang: Lang, out: TextIO, err: TextIO) -> int:
    _print_json(SCHEMAS[args.name](), out)
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace, lang: Lang, out: TextIO, err: TextIO) -> int:
    source = str(args.file)
    raw = read_toml(args.file, source)
    if is_overlay_data(raw):
        overlay = overlay_from_data(raw, source)
        problems = overlay_problems(overlay, list(Catalog.default()), source)
        if problems:
            raise LoadError(problems)
        ref = overlay.ref
    else:
        ref = ruleset_from_data(raw, source).ref
    out.write(Message("{file}: valid ({ref})", {"file": source, "ref": ref}).render(lang) + "\n")
    return EXIT_OK


def _evaluator(args: argparse.Namespace) -> CallEvaluator:
    nix = NixRegister.load(args.nix) if args.nix else None
    return CallEvaluator(nix=nix, **_policy_options(args))


def _policy_options(args: argparse.Namespace) -> dict[str, Any]:
    """The catalog, pins and overlay that ``--pin`` and ``--policy`` ask for."""
    catalog = Catalog.default()
    pins = {}
    for ref in args.pin:
        rs = catalog.resolve(ref)
        pins[rs.id] = rs.version
    return {
        "catalog": catalog,
        "pins": pins,
        "overlay": load_overlay(args.policy) if args.policy else None,
        "overlay_source": str(args.policy),
    }


def _progress(items: Iterable[Item], err: TextIO, lang: Lang) -> Iterator[Item]:
    """Count lines on stderr for long files when stderr is a terminal."""
    show = err.isatty()
    count = 0
    for item in items:
        count += 1
        if show and count % 10000 == 0:
            err.write(f"\r{format_number(count, lang)}")
            err.flush()
        yield item
    if show and count >= 10000:
        err.write("\n")


def _cmd_check(args: argparse.Namespace, lang: Lang, out: TextIO, err: TextIO) -> int:
    if args.subject == "process":
        return _cmd_check_process(args, lang, out, err)
    if args.subject != "calls":
        return _cmd_check_text(args, lang, out, err)
    evaluator = _evaluator(args)
    result = evaluator.evaluate(_progress(read_call_records(args.file), err, lang))
    _write_report(result, args.format, lang, out)
    if result.rejected:
        return EXIT_USAGE
    return EXIT_INVALID if result.has_violation else EXIT_OK


def _write_report(result: Report | ProcessReport, fmt: str, lang: Lang, out: TextIO) -> None:
    findings = result.report if isinstance(result, ProcessReport) else result
    if fmt == "csv":
        csv.writer(out, lineterminator="\n").writerows(report_csv_rows(findings, lang))
    elif isinstance(result, ProcessReport):
        if fmt == "json":
            _print_json(process_report_data(result, lang), out)
        else:
            out.write((process_report_html if fmt == "html" else process_report_text)(result, lang))
    elif fmt == "json":
        _print_json(report_data(result, lang), out)
    else:
        out.write((report_html if fmt == "html" else report_text)(result, lang))


def _cmd_check_process(args: argparse.Namespace, lang: Lang, out: TextIO, err: TextIO) -> int:
    process = read_service_process(args.file)
    contacts, rejected = read_contacts(args.contacts) if args.contacts else (None, ())
    evaluator = ProcessEvaluator(on=args.at, **_policy_options(args))
    result = evaluator.check(process, contacts, rejected)
    _write_report(result, args.format, lang, out)
    if rejected:
        return EXIT_USAGE
    return EXIT_INVALID if result.has_violation else EXIT_OK


def _cmd_check_text(args: argparse.Namespace, lang: Lang, out: TextIO, err: TextIO) -> int:
    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError(
            [Problem(str(args.file), "$", Message("cannot read the file: {error}", {"error": exc}))]
        ) from exc
    subject: Script | WrittenDocument
    if args.subject == "script":
        subject = Script.parse(text, str(args.file), lang)
    else:
        subject = DOCUMENT_TYPES[args.subject].parse(
            text, str(args.file), lang, offer_category=args.offer_category
        )
    evaluator = TextEvaluator(subject.subject_kind, on=args.at, **_policy_options(args))
    result = evaluator.check(subject)
    _write_report(result, args.format, lang, out)
    return EXIT_INVALID if result.has_violation else EXIT_OK


def _cmd_decide(args: argparse.Namespace, lang: Lang, out: TextIO, err: TextIO) -> int:
    evaluator = _evaluator(args)
    data = _read_context(args.context) if args.context else {}
    data.setdefault("call_id", "pre-dial")
    data.setdefault("calling_organisation", "")
    data.update(started_at=args.at, ended_at=args.at, destination=args.number, purpose=args.purpose)
    record = record_from_data(data, str(args.context or "decide"), 1)
    if isinstance(record, RejectedInput):  # unusable input: not allowed, and exit 2
        decision = Decision(False, (record.reason,), ())
    else:
        decision = decide_record(record, evaluator)
    if args.format == "json":
        _print_json(
            {
                "allowed": decision.allowed,
                "earliest": decision.earliest.isoformat() if decision.earliest else None,
                "reasons": [r.get(lang) for r in decision.reasons],
                "findings": report_data(Report(decision.findings), lang)["findings"],
            },
            out,
        )
    else:
        verdict = Message("allowed") if decision.allowed else Message("not allowed")
        out.write(verdict.render(lang) + "\n")
        for reason in decision.reasons if not decision.allowed else ():
            out.write(f"  - {reason.get(lang)}\n")
        if decision.earliest:
            out.write(
                Message("earliest allowed: {time}", {"time": decision.earliest}).render(lang) + "\n"
            )
    if isinstance(record, RejectedInput):
        return EXIT_USAGE
    return EXIT_OK if decision.allowed else EXIT_INVALID


def _read_context(path: Path) -> dict[str, Any]:
    """The JSON object of ``decide --context``; a missing or bad file is a load error."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LoadError(
            [Problem(str(path), "$", Message("cannot read the file: {error}", {"error": exc}))]
        ) from exc
    if not isinstance(data, dict):
        raise LoadError(
            [Problem(str(path), "$", Message("expected a JSON object of call-record fields"))]
        )
    return data


_COMMANDS = {
    "list": _cmd_list,
    "show": _cmd_show,
    "diff": _cmd_diff,
    "validate": _cmd_validate,
    "fingerprint": _cmd_fingerprint,
    "schema": _cmd_schema,
    "check": _cmd_check,
    "decide": _cmd_decide,
}


def _lang_option(argv: Sequence[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
    return None


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    argv = list(sys.argv[1:] if argv is None else argv)
    try:  # --help and argument errors already speak the language --lang asks for
        early_lang = resolve_lang(_lang_option(argv))
    except ValueError:
        early_lang = resolve_lang()
    try:
        with _argparse_speaks(early_lang):
            args = _parser(early_lang).parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) and EXIT_USAGE
    lang = resolve_lang(args.lang)
    try:
        return _COMMANDS[args.command](args, lang, out, err)
    except LoadError as exc:
        err.write(exc.render(lang) + "\n")
        err.write(
            Plural(
                "{count} problem found",
                "{count} problems found",
                "count",
                {"count": len(exc.problems)},
            ).render(lang)
            + "\n"
        )
        return EXIT_INVALID if args.command == "validate" else EXIT_USAGE
    except CatalogError as exc:
        err.write(exc.render(lang) + "\n")
        return EXIT_USAGE
    except BrokenPipeError:
        # the reader stopped early (``| head``): exit as a shell reports a SIGPIPE, and keep
        # Python's exit handler from failing on the closed pipe when it flushes
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


if __name__ == "__main__":
    sys.exit(main())
