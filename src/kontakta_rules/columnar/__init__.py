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


_LIBRARIES = {"duckdb": ("duckdb", "sqlglot"), "spark": ("pyspark", "sqlglot")}
"""What each engine imports beyond the core install (its extra installs them)."""


def require_engine(engine: str) -> None:
    """Every library the engine needs, or which extra installs them; checked before any of
    the engine's modules is imported (their imports would fail without the reason)."""
    for module in _LIBRARIES[engine]:
        require(module, engine)
