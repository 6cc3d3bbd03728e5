"""The columnar engine: the call rules compiled into one query over a table of calls.

The same rule model as the reference evaluator (:mod:`kontakta_rules.evaluate`): every call
check kind states its decision twice, row by row (``evaluate``) and as branches over a
table (``columnar``), in the same class. :mod:`.compile` turns a stack of rulesets into SQL
built with sqlglot (never by string concatenation) and :mod:`.duckdb_engine` runs it on
DuckDB, :mod:`.spark_engine` on Apache Spark; :mod:`.tables` builds the tables both read.
Needs ``pip install 'kontakta-rules[duckdb]'`` (or ``[spark]``).
"""

from __future__ import annotations

from ..catalog import CatalogError
from ..i18n import Message


class EngineUnavailable(CatalogError, ImportError):
    """The engine asked for cannot run here: its library is not installed, or (Spark) Java
    cannot be started. Says what to install."""


def require(module: str, extra: str = "duckdb") -> None:
    """Import ``module`` or say which extra installs it."""
    import importlib

    try:
        importlib.import_module(module)
    except ImportError:
        raise EngineUnavailable(
            Message(
                "the columnar engine needs {module}: pip install 'kontakta-rules[{extra}]'",
                {"module": module, "extra": extra},
            )
        ) from None
