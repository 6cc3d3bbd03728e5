"""The ``kontakta-rules`` command line.

Exit status: 0 success; 1 a violation (``check``, or an undetermined finding with
``--fail-on undetermined``), a call not allowed (``decide``), an invalid file (``validate``);
2 unusable input or arguments; 3 an internal error (a bug: please report it). Every file
argument takes ``-`` for standard input (one of them at a time).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import io
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from . import parallel, render
from ._version import __version__
from .canonical import fingerprint, to_data
from .catalog import Catalog, CatalogError, parse_ref
from .conformance import ProcessReport
from .dialer import Decision, decide_record
from .diff import diff_rulesets
from .errors import InputError, LoadError, Problem
from .evaluate import CallEvaluator, ProcessEvaluator, TextEvaluator
from .i18n import N_, Message, Plural, format_number, gettext, resolve_lang, translations
from .language import LANGUAGE_NAMES, guess_language, language_mismatch
from .loading import (
    is_overlay_data,
    load_overlay,
    overlay_from_data,
    read_toml,
    ruleset_from_data,
)
from .model import RejectedInput, Report
from .nix import NixRegister
from .report import (
    LISTINGS,
    OUTCOME_LABELS,
    CsvReport,
    JsonReport,
    Listing,
    ReportWriter,
    TextReport,
    process_report_data,
    process_report_text,
    report_data,
)
from .report_html import HtmlReport, process_report_html
from .schema import SCHEMAS
from .stacking import overlay_problems
from .subjects.call_io import is_csv_input, parse_json_line, read_call_records, record_from_data
from .subjects.process_io import read_contacts, read_service_process
from .subjects.script import DOCUMENT_TYPES, Script, WrittenDocument
from .text import Lang
from .textinput import STDIN, cannot_write, expand_patterns, read_text, source_name, spooled
from .vocabulary import Outcome

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_BROKEN_PIPE = 141  # as a shell reports a process ended by SIGPIPE
DEBUG_VARIABLE = "KONTAKTA_RULES_DEBUG"
"""Set to print the traceback of an internal error."""
WRITERS: dict[str, type[ReportWriter]] = {
    "text": TextReport,
    "json": JsonReport,
    "csv": CsvReport,
    "html": HtmlReport,
}
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
    N_("show program's version number and exit"),
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

    # Options every command takes, before or after its name; a subcommand's default must not
    # overwrite what was given before it (argparse.SUPPRESS).
    def common_options(parser: argparse.ArgumentParser, default: Any) -> None:
        parser.add_argument(
            "--lang",
            choices=["sv", "en"],
            default=default,
            help=_("language of the output (default: from the environment, else sv)"),
        )
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            metavar="FILE",
            default=default,
            help=_("write the output to FILE instead of standard output"),
        )

    common = argparse.ArgumentParser(add_help=False)
    common_options(common, argparse.SUPPRESS)
    failing = argparse.ArgumentParser(add_help=False)
    failing.add_argument(
        "--fail-on",
        choices=["violation", "undetermined"],
        default="violation",
        help=_("exit 1 on a violation (default), or also on an undetermined finding"),
    )
    report_format = argparse.ArgumentParser(add_help=False, parents=[failing])
    report_format.add_argument(
        "--format",
        choices=REPORT_FORMATS,
        default="text",
        help=_("output format: text, JSON (versioned schema), CSV or a self-contained HTML page"),
    )
    report_format.add_argument(
        "--findings",
        choices=LISTINGS,
        default=None,
        help=_(
            "which findings JSON, CSV and HTML list: problems (violations and undetermined, "
            "the others counted) or all (default: problems for calls, all for one text or "
            "process)"
        ),
    )
    fmt = argparse.ArgumentParser(add_help=False)
    fmt.add_argument("--format", choices=["text", "json"], default="text", help=_("output format"))

    p = argparse.ArgumentParser(
        prog="kontakta-rules",
        description=_(
            "Kontakta's rules for telephone sales, customer service and NIX-Telefon as versioned, cited data."
        ),
        epilog=_(
            "Exit status: 0 success; 1 violation, call not allowed or invalid file; "
            "2 unusable input or arguments; 3 internal error. FILE may be - for standard input."
        ),
    )
    p.add_argument("--version", action="version", version=f"kontakta-rules {__version__}")
    common_options(p, None)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("list", parents=[common, fmt], help=_("list rulesets, versions and rule counts"))
    show = sub.add_parser(
        "show", parents=[common, fmt], help=_("show one ruleset version with all its rules")
    )
    show.add_argument("ref", metavar="ID[@VERSION]")
    d = sub.add_parser(
        "diff",
        parents=[common, fmt],
        help=_(
            "what changed between two versions, or in one version's encoding since revision N "
            "(ID@VERSION#N)"
        ),
    )
    d.add_argument("old", metavar="ID@A[#N]")
    d.add_argument("new", metavar="ID@B", nargs="?")
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
        metavar="ID@VERSION[=FINGERPRINT]",
        help=_(
            "use this version whatever the record's date (repeatable); with "
            "=sha256:..., only if its content still has that fingerprint"
        ),
    )
    stack = argparse.ArgumentParser(add_help=False, parents=[policy])
    stack.add_argument("--nix", type=Path, metavar="REGISTER", help=_("a NIX register snapshot"))
    stack.add_argument(
        "--nix-allow-empty",
        action="store_true",
        help=_("accept a register snapshot without numbers (refused otherwise)"),
    )

    check = sub.add_parser("check", help=_("check subjects against the rules"))
    what = check.add_subparsers(dest="subject", required=True, metavar="SUBJECT")
    call_file = argparse.ArgumentParser(add_help=False)
    call_file.add_argument("file", type=Path, metavar="FILE")
    call_file.add_argument(
        "--input-format",
        choices=["jsonl", "csv"],
        help=_("the format of FILE (default: from its name; standard input: jsonl)"),
    )
    calls = what.add_parser(
        "calls",
        parents=[common, stack, report_format, call_file],
        help=_("audit call records (.jsonl or .csv)"),
    )
    calls.add_argument(
        "--jobs",
        "-j",
        type=int,
        metavar="N",
        help=_(
            "processes that judge the records (default: one per core for a large file on "
            "Linux, else 1); the report is the same"
        ),
    )

    audit_parser = sub.add_parser(
        "audit",
        parents=[common, stack, failing],
        help=_(
            "audit call records with the reference evaluator or the columnar engine, and "
            "write the findings table"
        ),
    )
    audit_parser.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help=_(
            "call records (.jsonl, .csv or .parquet; a pattern such as 'calls/2026-*.jsonl' "
            "is expanded); several files are one audit"
        ),
    )
    audit_parser.add_argument(
        "--input-format",
        choices=["jsonl", "csv", "parquet"],
        help=_("the format of every FILE (default: from each name; standard input: jsonl)"),
    )
    audit_parser.add_argument(
        "--engine",
        choices=["reference", "duckdb", "spark"],
        default="reference",
        help=_(
            "reference (row by row), duckdb (the columnar engine, kontakta-rules[duckdb]) or "
            "spark (the same engine on Apache Spark, kontakta-rules[spark])"
        ),
    )
    audit_parser.add_argument(
        "--out",
        type=Path,
        metavar="FINDINGS",
        help=_(
            "write the findings table here (.parquet, or .csv; Spark writes a folder); needs "
            "--engine duckdb or spark"
        ),
    )
    audit_parser.add_argument(
        "--format",
        choices=["summary", *REPORT_FORMATS],
        default="summary",
        help=_(
            "summary (the counts and the rejected lines, default) or the report of check "
            "calls: text, JSON, CSV or HTML, built from the findings table's summary (the "
            "findings listed, the others counted)"
        ),
    )
    audit_parser.add_argument(
        "--findings",
        choices=LISTINGS,
        default="problems",
        help=_(
            "which findings the report lists: problems (violations and undetermined, the "
            "others counted; default) or all"
        ),
    )
    audit_parser.add_argument(
        "--memory-limit",
        metavar="SIZE",
        help=_(
            "with --engine duckdb: the most memory DuckDB may hold (e.g. 2GB) before it "
            "spills to a temporary folder (default: 80%% of the machine's memory)"
        ),
    )

    texts = argparse.ArgumentParser(add_help=False, parents=[policy, report_format])
    texts.add_argument("file", type=Path, metavar="FILE")
    texts.add_argument(
        "--at",
        type=dt.date.fromisoformat,
        metavar="DATE",
        help=_("judge by the rules in force on this day (default: today)"),
    )
    written = argparse.ArgumentParser(add_help=False, parents=[texts])
    written.add_argument(
        "--text-lang",
        choices=["sv", "en"],
        help=_(
            "the language the text is written in (default: recognised from the text); "
            "--lang is the language of the report"
        ),
    )
    what.add_parser(
        "script",
        parents=[common, written],
        help=_("check a call script or transcript"),
    )
    documents = argparse.ArgumentParser(add_help=False)
    documents.add_argument(
        "--offer-category",
        metavar="CATEGORY",
        help=_("what is sold; lottery and gaming are outside the Distance Contracts Act"),
    )
    what.add_parser("offer", parents=[common, written, documents], help=_("check a written offer"))
    what.add_parser(
        "confirmation",
        parents=[common, written, documents],
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
    old_ref, since = _revision_ref(args.old)
    old = catalog.resolve(old_ref)
    new = catalog.resolve(args.new) if args.new else old
    if since is not None:
        # two encoding revisions of one version: the change log between them
        if old.ref != new.ref:
            raise CatalogError(
                Message(
                    "a revision (#N) is compared with the same version only, not {ref}",
                    {"ref": new.ref},
                )
            )
        if not 1 <= since <= new.revision:
            raise CatalogError(
                Message(
                    "{ref} has encoding revisions 1 to {revision}, not {asked}",
                    {"ref": new.ref, "revision": new.revision, "asked": since},
                )
            )
        if args.format == "json":
            revisions = new.revisions_since(since)
            _print_json(
                {
                    "ref": new.ref,
                    "from": since,
                    "to": new.revision,
                    **to_data({"revisions": revisions}),
                },
                out,
            )
        else:
            out.write(render.revision_diff_text(new, since, lang))
        return EXIT_OK
    result = diff_rulesets(old, new)
    if args.format == "json":
        _print_json(
            {**to_data(result), "old_revision": old.revision, "new_revision": new.revision}, out
        )
    else:
        out.write(render.diff_text(result, old, new, lang))
    return EXIT_OK


def _revision_ref(ref: str) -> tuple[str, int | None]:
    """``ID@VERSION#N`` as ``(ID@VERSION, N)``; a ref without ``#`` has no revision."""
    base, sep, number = ref.partition("#")
    if not sep:
        return ref, None
    if not number.isascii() or not number.isdigit():
        raise CatalogError(
            Message("a revision is a whole number after #, not {value}", {"value": number})
        )
    return base, int(number)


def _cmd_fingerprint(args: argparse.Namespace, lang: Lang, out: TextIO, err: TextIO) -> int:
    rs = Catalog.default().get(*parse_ref(args.ref))
    out.write(f"{fingerprint(rs)}  {rs.ref}\n")
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace, lang: Lang, out: TextIO, err: TextIO) -> int:
    _print_json(SCHEMAS[args.name](), out)
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace, lang: Lang, out: TextIO, err: TextIO) -> int:
    source = source_name(args.file)
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
    nix = NixRegister.load(args.nix, allow_empty=args.nix_allow_empty) if args.nix else None
    return CallEvaluator(nix=nix, **_policy_options(args))


def _policy_options(args: argparse.Namespace) -> dict[str, Any]:
    """The catalog, pins and overlay that ``--pin`` and ``--policy`` ask for; a pin with a
    fingerprint (``ID@VERSION=sha256:...``) is refused when the content no longer matches."""
    catalog = Catalog.default()
    pins = {}
    for pin in args.pin:
        ref, _, expected = pin.partition("=")
        rs = catalog.get_pinned(ref, expected) if expected else catalog.resolve(ref)
        pins[rs.id] = rs.version
    return {
        "catalog": catalog,
        "pins": pins,
        "overlay": load_overlay(args.policy) if args.policy else None,
        "overlay_source": source_name(args.policy) if args.policy else "overlay",
    }


def _sequential(
    evaluator: CallEvaluator, writer: ReportWriter, path: Path, source: str, is_csv: bool
) -> Iterator[int]:
    """Audit ``path`` into ``writer`` in this process; yields each line's number when done."""
    judged = evaluator.stream(
        lambda: read_call_records(path, csv=is_csv, source=source), source=source
    )
    for line, item in judged:
        if isinstance(item, list):
            writer.subject(item)
        else:
            writer.rejected(item)
        yield line


def _progress(items: Iterable[int], err: TextIO, lang: Lang) -> Iterator[int]:
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


def _audit_progress(err: TextIO, lang: Lang) -> Callable[[Message], None] | None:
    """Progress of a long audit on stderr, one line each, when stderr is a terminal."""
    if not err.isatty():
        return None

    def say(message: Message) -> None:
        err.write(message.render(lang) + "\n")
        err.flush()

    return say


def _listing(args: argparse.Namespace, default: Listing) -> Listing:
    listing: Listing = args.findings or default
    return listing


def _exit_status(counts: Any, args: argparse.Namespace, rejected: int) -> int:
    """2 when input lines were rejected; else 1 for a violation (or, with ``--fail-on
    undetermined``, an undetermined finding); else 0."""
    if rejected:
        return EXIT_USAGE
    failing = [Outcome.VIOLATION]
    if args.fail_on == "undetermined":
        failing.append(Outcome.UNDETERMINED)
    return EXIT_INVALID if any(counts[o] for o in failing) else EXIT_OK


def _cmd_audit(args: argparse.Namespace, lang: Lang, out: TextIO, err: TextIO) -> int:
    from .audit import Input, audit

    if args.out is not None and args.engine == "reference":
        err.write(
            Message(
                "--out needs --engine duckdb or spark: the columnar engine writes the table"
            ).render(lang)
            + "\n"
        )
        return EXIT_USAGE
    if args.memory_limit is not None and args.engine != "duckdb":
        err.write(
            Message("--memory-limit needs --engine duckdb: it bounds DuckDB's memory").render(lang)
            + "\n"
        )
        return EXIT_USAGE
    paths = expand_patterns(args.files)
    writer = None if args.format == "summary" else WRITERS[args.format](out, lang, args.findings)
    with contextlib.ExitStack() as stack:
        inputs = [
            Input(stack.enter_context(spooled(path)), source_name(path), args.input_format)
            for path in paths
        ]
        result = audit(
            _evaluator(args),
            inputs,
            engine=args.engine,
            findings=args.out,
            progress=_audit_progress(err, lang),
            memory_limit=args.memory_limit,
            writer=writer,
        )
    for note in result.notes:
        err.write(Message("note: {note}", {"note": note}).render(lang) + "\n")
    counts = {o: result.counts[o.value] for o in Outcome}
    if writer is not None:
        writer.close()
        return _exit_status(counts, args, len(result.rejected))
    out.write(
        Message(
            "{records} records judged by {engine}; rejected lines: {rejected}",
            {"records": result.records, "engine": args.engine, "rejected": len(result.rejected)},
        ).render(lang)
        + "\n"
    )
    for outcome in Outcome:
        out.write(
            f"  {gettext(OUTCOME_LABELS[outcome], lang)}: {format_number(result.counts[outcome.value], lang)}\n"
        )
    for r in result.rejected:
        out.write(
            Message(
                "rejected: {source} line {line}: {reason}",
                {"source": r.source, "line": r.line, "reason": r.reason},
            ).render(lang)
            + "\n"
        )
    if args.out is not None:
        out.write(Message("findings table: {path}", {"path": str(args.out)}).render(lang) + "\n")
    return _exit_status(counts, args, len(result.rejected))


def _cmd_check(args: argparse.Namespace, lang: Lang, out: TextIO, err: TextIO) -> int:
    if args.subject == "process":
        return _cmd_check_process(args, lang, out, err)
    if args.subject != "calls":
        return _cmd_check_text(args, lang, out, err)
    evaluator = _evaluator(args)
    writer = WRITERS[args.format](out, lang, _listing(args, "problems"))
    source = source_name(args.file)
    is_csv = is_csv_input(
        args.file, (args.input_format == "csv") if args.input_format else None, source
    )
    with spooled(args.file) as path:  # read twice: standard input is copied once
        jobs = args.jobs if args.jobs is not None else parallel.default_jobs(path)
        if jobs > 1 and parallel.can_fork():
            lines: Iterable[int] = parallel.stream(
                evaluator, writer, path, source=source, is_csv=is_csv, jobs=jobs
            )
        else:
            lines = _sequential(evaluator, writer, path, source, is_csv)
        for _ in _progress(lines, err, lang):
            pass
    writer.close()
    return _exit_status(writer.tally.counts, args, writer.tally.rejected)


def _write_report(
    result: Report | ProcessReport, args: argparse.Namespace, lang: Lang, out: TextIO
) -> None:
    """A report held in memory (one text or one process): every finding listed by default."""
    fmt, listing = args.format, _listing(args, "all")
    if isinstance(result, ProcessReport) and fmt in ("json", "html", "text"):
        if fmt == "json":
            _print_json(process_report_data(result, lang), out)
        else:
            out.write((process_report_html if fmt == "html" else process_report_text)(result, lang))
        return
    report = result.report if isinstance(result, ProcessReport) else result
    writer = WRITERS[fmt](out, lang, listing)
    writer.feed(report)
    writer.close()


def _cmd_check_process(args: argparse.Namespace, lang: Lang, out: TextIO, err: TextIO) -> int:
    process = read_service_process(args.file)
    contacts, rejected = read_contacts(args.contacts) if args.contacts else (None, ())
    evaluator = ProcessEvaluator(on=args.at, **_policy_options(args))
    result = evaluator.check(process, contacts, rejected)
    _write_report(result, args, lang, out)
    counts = {o: result.report.count(o) for o in Outcome}
    return _exit_status(counts, args, len(rejected))


def _cmd_check_text(args: argparse.Namespace, lang: Lang, out: TextIO, err: TextIO) -> int:
    source = source_name(args.file)
    text = read_text(args.file, source)
    text_lang = _text_language(text, args.text_lang, source)
    subject: Script | WrittenDocument
    if args.subject == "script":
        subject = Script.parse(text, source, text_lang)
    else:
        subject = DOCUMENT_TYPES[args.subject].parse(
            text, source, text_lang, offer_category=args.offer_category
        )
    evaluator = TextEvaluator(subject.subject_kind, on=args.at, **_policy_options(args))
    result = evaluator.check(subject)
    _write_report(result, args, lang, out)
    return _exit_status({o: result.count(o) for o in Outcome}, args, 0)


def _text_language(text: str, given: Lang | None, source: str) -> Lang:
    """The language a text is judged in: ``--text-lang``, else what the text evidently is;
    a text evidently in the other language, or one too short to tell, is an error."""
    if given is not None:
        mismatch = language_mismatch(text, given)
        if mismatch is not None:
            raise LoadError(
                [
                    Problem(
                        source,
                        "",
                        Message(
                            "{why}; check --text-lang (the language of the text; --lang is "
                            "the language of the report)",
                            {"why": mismatch},
                        ),
                    )
                ]
            )
        return given
    guessed = guess_language(text)
    if guessed is None:
        raise LoadError(
            [
                Problem(
                    source,
                    "",
                    Message(
                        "cannot tell whether the text is in {sv} or {en}; say which with "
                        "--text-lang sv or --text-lang en",
                        {code: Message(name) for code, name in LANGUAGE_NAMES.items()},
                    ),
                )
            ]
        )
    return guessed


def _cmd_decide(args: argparse.Namespace, lang: Lang, out: TextIO, err: TextIO) -> int:
    evaluator = _evaluator(args)
    source = source_name(args.context) if args.context else "decide"
    data = _read_context(args.context, source) if args.context else {}
    data.setdefault("call_id", "pre-dial")
    data.setdefault("calling_organisation", "")
    data.update(started_at=args.at, ended_at=args.at, destination=args.number, purpose=args.purpose)
    record = record_from_data(data, source, 1)
    unusable = isinstance(record, RejectedInput)
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
    if unusable:
        return EXIT_USAGE
    return EXIT_OK if decision.allowed else EXIT_INVALID


def _read_context(path: Path, source: str) -> dict[str, Any]:
    """The JSON object of ``decide --context``; a missing or bad file is a load error."""
    data = parse_json_line(read_text(path, source))
    if isinstance(data, Message):
        raise LoadError([Problem(source, "$", data)])
    if not isinstance(data, dict):
        raise LoadError(
            [Problem(source, "$", Message("expected a JSON object of call-record fields"))]
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
    "audit": _cmd_audit,
    "decide": _cmd_decide,
}


def _lang_option(argv: Sequence[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
    return None


_FILE_OPTIONS = ("file", "policy", "nix", "context", "contacts")


def _stdin_problem(args: argparse.Namespace) -> Message | None:
    """Standard input can be read once: at most one file argument may be ``-``."""
    readers = [name for name in _FILE_OPTIONS if str(getattr(args, name, None)) == STDIN]
    if len(readers) > 1:
        return Message(
            "only one file argument can read standard input (-), not {names}",
            {"names": ", ".join(readers)},
        )
    return None


def _excerpt(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _problem_count(exc: LoadError) -> Message:
    return Plural("{count} problem found", "{count} problems found", "count", {"count": exc.total})


@contextlib.contextmanager
def _output(path: Path | None, out: TextIO) -> Iterator[TextIO]:
    """Standard output, or the file ``--output`` names (written only when the command ran)."""
    if path is None or str(path) == STDIN:
        yield out
        return
    try:
        fh = path.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise cannot_write(str(path), exc) from None
    with fh:
        yield fh


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    if out is sys.__stdout__ and isinstance(out, io.TextIOWrapper):
        # a report is written in many small pieces: buffer them even under PYTHONUNBUFFERED
        out.reconfigure(write_through=False)
    argv = list(sys.argv[1:] if argv is None else argv)
    try:  # --help and argument errors already speak the language --lang asks for
        early_lang = resolve_lang(_lang_option(argv))
    except ValueError:
        early_lang = resolve_lang()
    try:
        with (
            _argparse_speaks(early_lang),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            args = _parser(early_lang).parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) and EXIT_USAGE
    lang = resolve_lang(args.lang)
    try:
        problem = _stdin_problem(args)
        if problem is not None:
            err.write(problem.render(lang) + "\n")
            return EXIT_USAGE
        with _output(args.output, out) as target:
            return _COMMANDS[args.command](args, lang, target, err)
    except LoadError as exc:
        err.write(exc.render(lang) + "\n")
        err.write(_problem_count(exc).render(lang) + "\n")
        return EXIT_INVALID if args.command == "validate" else EXIT_USAGE
    except (CatalogError, InputError) as exc:
        err.write(exc.render(lang) + "\n")
        return EXIT_USAGE
    except BrokenPipeError:
        # the reader stopped early (``| head``): exit as a shell reports a SIGPIPE, and keep
        # Python's exit handler from failing on the closed pipe when it flushes
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        err.write(Message("interrupted").render(lang) + "\n")
        return 130
    except Exception as exc:  # a bug: say so plainly, never a traceback, never status 1
        err.write(
            Message(
                "internal error: {error}; this is a bug in kontakta-rules, please report it "
                "(set {variable}=1 to see where it happened)",
                {"error": _excerpt(f"{type(exc).__name__}: {exc}"), "variable": DEBUG_VARIABLE},
            ).render(lang)
            + "\n"
        )
        if os.environ.get(DEBUG_VARIABLE):
            traceback.print_exc(file=err)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
