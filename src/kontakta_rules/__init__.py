"""kontakta_rules: Kontakta's rules for telephone sales, customer service and NIX-Telefon as
versioned, bilingual, cited data.

Start with :class:`Catalog`::

    from kontakta_rules import Catalog
    nix = Catalog.default().resolve("nix-telefon@2017-07-01")
    print(nix.rule("listed-numbers").title.sv)
"""

from .canonical import fingerprint
from .catalog import Catalog, CatalogError, bundled_rulesets_dir
from .diff import RulesetDiff, diff_rulesets
from .loading import LoadError, Problem, load_file, load_overlay, load_ruleset
from .model import (
    Citation,
    Finding,
    Overlay,
    Parameter,
    RejectedInput,
    Report,
    Rule,
    Ruleset,
    Scope,
)
from .stacking import stack
from .text import Text
from .vocabulary import Basis, Layer, Outcome, Severity, SubjectKind

__version__ = "0.1.0"

__all__ = [
    "Basis",
    "Catalog",
    "CatalogError",
    "Citation",
    "Finding",
    "Layer",
    "LoadError",
    "Outcome",
    "Overlay",
    "Parameter",
    "Problem",
    "RejectedInput",
    "Report",
    "Rule",
    "Ruleset",
    "RulesetDiff",
    "Scope",
    "Severity",
    "SubjectKind",
    "Text",
    "__version__",
    "bundled_rulesets_dir",
    "diff_rulesets",
    "fingerprint",
    "load_file",
    "load_overlay",
    "load_ruleset",
    "stack",
]
