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


@nox.session(
    python="3.11", venv_backend="uv", venv_params=["--seed"], reuse_venv=False, default=False
)
def lowest(session: nox.Session) -> None:
    """The test suite with every direct dependency at its floor (uv's lowest-direct resolution).

    Checks that the ``>=`` floors in pyproject.toml are honest. uv only (pip has no
    ``--resolution``); a fresh venv each time, since uv keeps installed versions that satisfy
    the requirements. --seed puts pip in the venv (test_packaging runs `python -m pip wheel`);
    PYTHONTZPATH is emptied so zoneinfo reads the tzdata package at its
    floor, not the system's zone files."""
    session.install(
        "--resolution", "lowest-direct",
        "-e", ".",
        *nox.project.dependency_groups(PYPROJECT, "test"),
    )  # fmt: skip
    session.run("pytest", *session.posargs, env={"PYTHONTZPATH": ""})


@nox.session(default=False)
def spark(session: nox.Session) -> None:
    """The Spark engine's tests on a real local Spark (pyspark from PyPI, Java 17 from the
    machine): the same findings as the reference, the audit command with --engine spark."""
    session.install("-e", ".[spark]", *nox.project.dependency_groups(PYPROJECT, "test"))
    session.run("pytest", "tests/test_spark.py", "-p", "no:cacheprovider", *session.posargs)


@nox.session(default=False)
def fuzz(session: nox.Session) -> None:
    """Random and mutated files into every loader and the command line, about two minutes:
    `nox -s fuzz -- N` tries N inputs per target (default 900)."""
    session.install("-e", ".", *nox.project.dependency_groups(PYPROJECT, "test"))
    examples = session.posargs[0] if session.posargs else "900"
    session.run(
        "pytest",
        "tests/test_fuzz.py",
        "-p",
        "no:cacheprovider",
        env={"KONTAKTA_FUZZ_EXAMPLES": examples},
    )


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
    session.install(".[all]")  # the columnar engine on DuckDB and on Spark too
    session.run("python", "benchmarks/bench.py", *session.posargs)


@nox.session(default=False)
def equivalence(session: nox.Session) -> None:
    """The reference and a columnar engine on 1,000,000 generated call records: prints how many
    records, batches and findings were compared, how many records sat at each rule edge, the
    time and peak memory, and any differences (exit status 1 on one).

    The records are judged in independent batches, each an audit of its own on both sides;
    the policy and the pinned versions rotate across batches. `nox -s equivalence -- --records
    N --seed S --batch B --engine duckdb|spark --sample N` (see benchmarks/equivalence.py)."""
    spark = "spark" in session.posargs or "--engine=spark" in session.posargs
    session.install("-e", ".[duckdb,spark]" if spark else ".[duckdb]")
    session.run("python", "benchmarks/equivalence.py", *session.posargs)


BABEL = "babel>=2.17"


def _extract(session: nox.Session) -> None:
    session.run(
        "pybabel",
        "extract",
        "-F",
        "pyproject.toml",
        "-o",
        POT,
        "--no-location",
        "--omit-header",
        *(arg for keyword in ("Message", "N_", "_t", "_", "Plural:1,2") for arg in ("-k", keyword)),
        "src/kontakta_rules",
    )


def _update(session: nox.Session) -> None:
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


def _compile(session: nox.Session) -> None:
    session.run("pybabel", "compile", "-D", "kontakta_rules", "-d", LOCALE_DIR, "--statistics")


@nox.session(name="catalog-extract", default=False)
def catalog_extract(session: nox.Session) -> None:
    """Extract the messages in code into the template (locale/kontakta_rules.pot)."""
    session.install(BABEL)
    _extract(session)


@nox.session(name="catalog-update", default=False)
def catalog_update(session: nox.Session) -> None:
    """Merge the template into the Swedish catalog (new msgids arrive untranslated)."""
    session.install(BABEL)
    _update(session)


@nox.session(name="catalog-compile", default=False)
def catalog_compile(session: nox.Session) -> None:
    """Compile the Swedish catalog to .mo (builds do this too, through hatch_build.py)."""
    session.install(BABEL)
    _compile(session)


@nox.session(default=False)
def catalogs(session: nox.Session) -> None:
    """Extract, update and compile in one go; then translate what the update added."""
    session.install(BABEL)
    _extract(session)
    _update(session)
    _compile(session)


DOCS_LANGUAGES = ("en", "sv")


@nox.session(default=False)
def docs(session: nox.Session) -> None:
    """The documentation site in English and Swedish, -W (docs/_build/html/{en,sv})."""
    session.install("-e", ".", *nox.project.dependency_groups(PYPROJECT, "docs"))
    for lang in DOCS_LANGUAGES:
        session.run(
            "sphinx-build",
            "-W",
            "--keep-going",
            "-b",
            "html",
            "-D",
            f"language={lang}",
            "docs",
            f"docs/_build/html/{lang}",
            *session.posargs,
        )


@nox.session(name="docs-gettext", default=False)
def docs_gettext(session: nox.Session) -> None:
    """Extract the docs' prose and update docs/locale/sv (then translate what it added).

    Rule texts are not extracted: they come from the ruleset files in each language."""
    session.install("-e", ".", *nox.project.dependency_groups(PYPROJECT, "docs"))
    session.run("sphinx-build", "-b", "gettext", "docs", "docs/_build/gettext")
    session.run(
        "sphinx-intl", "update", "-p", "docs/_build/gettext", "-d", "docs/locale", "-l", "sv"
    )
