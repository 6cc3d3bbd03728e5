"""kontakta_rules: Kontakta's rules for telephone sales, customer service and NIX-Telefon as
versioned, bilingual, cited data.

Start with :class:`Catalog`::

    from kontakta_rules import Catalog
    nix = Catalog.default().resolve("nix-telefon@2017-07-01")
    print(nix.rule("listed-numbers").title.sv)
"""

from ._version import __version__
from .canonical import fingerprint
from .catalog import Catalog, CatalogError, bundled_rulesets_dir
from .conformance import ProcessReport
from .dialer import Decision, decide, decide_record
from .diff import RulesetDiff, diff_rulesets
from .evaluate import CallEvaluator, ProcessEvaluator, TextEvaluator
from .i18n import resolve_lang
from .loading import LoadError, Problem, load_file, load_overlay, load_ruleset
from .model import (
    Citation,
    Finding,
    Overlay,
    Parameter,
    RejectedInput,
    Report,
    Rule,
    RuleRef,
    Ruleset,
    Scope,
)
from .nix import NixRegister
from .report import (
    process_report_data,
    process_report_text,
    report_csv_rows,
    report_data,
    report_text,
)
from .report_html import process_report_html, report_html
from .schema import report_schema
from .stacking import stack
from .subjects import CallRecord
from .subjects.call_io import read_call_records
from .subjects.process_io import read_contacts, read_service_process
from .subjects.script import Confirmation, Script, WrittenOffer
from .subjects.service_process import ServiceProcess
from .text import Text
from .vocabulary import Basis, Layer, Outcome, Severity, SubjectKind

__all__ = [
    "Basis",
    "CallEvaluator",
    "CallRecord",
    "Catalog",
    "CatalogError",
    "Citation",
    "Confirmation",
    "Decision",
    "Finding",
    "Layer",
    "LoadError",
    "NixRegister",
    "Outcome",
    "Overlay",
    "Parameter",
    "Problem",
    "ProcessEvaluator",
    "ProcessReport",
    "RejectedInput",
    "Report",
    "Rule",
    "RuleRef",
    "Ruleset",
    "RulesetDiff",
    "Scope",
    "Script",
    "ServiceProcess",
    "Severity",
    "SubjectKind",
    "Text",
    "TextEvaluator",
    "WrittenOffer",
    "__version__",
    "bundled_rulesets_dir",
    "decide",
    "decide_record",
    "diff_rulesets",
    "fingerprint",
    "load_file",
    "load_overlay",
    "load_ruleset",
    "process_report_data",
    "process_report_html",
    "process_report_text",
    "read_call_records",
    "read_contacts",
    "read_service_process",
    "report_csv_rows",
    "report_data",
    "report_html",
    "report_schema",
    "report_text",
    "resolve_lang",
    "stack",
]
