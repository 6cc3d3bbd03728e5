"""kontakta_rules: Kontakta's rules for telephone sales, customer service and NIX-Telefon as
versioned, bilingual, cited data.

Start with :class:`Catalog`::

    from kontakta_rules import Catalog
    nix = Catalog.default().resolve("nix-telefon@2017-07-01")
    print(nix.rule("listed-numbers").title.sv)
"""

from .canonical import fingerprint
from .catalog import Catalog, CatalogError, bundled_rulesets_dir
from .dialer import Decision, decide, decide_record
from .diff import RulesetDiff, diff_rulesets
from .evaluate import CallEvaluator
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
from .stacking import stack
from .subjects import CallRecord
from .subjects.call_io import read_call_records
from .text import Text
from .vocabulary import Basis, Layer, Outcome, Severity, SubjectKind

__version__ = "0.1.0"

__all__ = [
    "Basis",
    "CallEvaluator",
    "CallRecord",
    "Catalog",
    "CatalogError",
    "Citation",
    "Decision",
    "Finding",
    "Layer",
    "LoadError",
    "NixRegister",
    "Outcome",
    "Overlay",
    "Parameter",
    "Problem",
    "RejectedInput",
    "Report",
    "Rule",
    "RuleRef",
    "Ruleset",
    "RulesetDiff",
    "Scope",
    "Severity",
    "SubjectKind",
    "Text",
    "__version__",
    "bundled_rulesets_dir",
    "decide",
    "decide_record",
    "diff_rulesets",
    "fingerprint",
    "load_file",
    "load_overlay",
    "load_ruleset",
    "read_call_records",
    "stack",
]
