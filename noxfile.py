"""Development tasks: ``nox -s tests`` (the README's test command), lint, typecheck, catalogs."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["tests"]

PYPROJECT = nox.project.load_toml("pyproject.toml")
LOCALE_DIR = "src/kontakta_rules/locale"
POT = f"{LOCALE_DIR}/kontakta_rules.pot"


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite against an editable install (a test also builds the wheel)."""
    session.install("-e", ".", *nox.project.dependency_groups(PYPROJECT, "test"))
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    session.install(*nox.project.dependency_groups(PYPROJECT, "lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on src/."""
    session.install("-e", ".", *nox.project.dependency_groups(PYPROJECT, "typecheck"))
    session.run("mypy")


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Throughput, latency and memory numbers (printed, not asserted): `nox -s bench -- --records N`."""
    session.install(".")
    session.run("python", "benchmarks/bench.py", *session.posargs)


@nox.session
def catalogs(session: nox.Session) -> None:
    """Extract messages from the code and update the Swedish catalog (then translate it)."""
    session.install("babel>=2.16")
    session.run(
        "pybabel",
        "extract",
        "-F",
        "pyproject.toml",
        "-o",
        POT,
        "--no-location",
        "-k",
        "Message",
        "-k",
        "N_",
        "-k",
        "_t",
        "-k",
        "_",
        "--omit-header",
        "src/kontakta_rules",
    )
    session.run(
        "pybabel",
        "update",
        "-D",
        "kontakta_rules",
        "-i",
        POT,
        "-d",
        LOCALE_DIR,
        "-l",
        "sv",
        "--no-fuzzy-matching",
        "--ignore-obsolete",
    )
