"""The README's examples run and say what the README says; its two commands are the ones CI
and a newcomer run."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
from pathlib import Path

from kontakta_rules.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)
SH_BLOCKS = re.findall(r"```sh\n(.*?)\n```", README, flags=re.S)


def _run(code: str) -> list[str]:
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)  # the examples use paths relative to the repository
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    return out.getvalue().splitlines()


def _commented(code: str) -> list[str]:
    """What the README claims each print shows (the ``# ...`` after each print)."""
    return [m.strip() for m in re.findall(r"^print\(.*\)\s+# (.*)$", code, flags=re.M)]


def test_pinned_ruleset_example_prints_both_languages() -> None:
    lines = _run(PYTHON_BLOCKS[0])
    assert lines[0] == "Ring inte spärrade nummer"
    assert lines[1] == "Do not call registered numbers"
    assert lines[2].startswith("http")


def test_decide_example_prints_what_the_readme_says() -> None:
    (code,) = [b for b in PYTHON_BLOCKS if "decide(" in b]
    claims = _commented(code)
    assert len(claims) == 3
    assert _run(code) == claims


def test_text_check_example_prints_what_the_readme_says() -> None:
    (code,) = [b for b in PYTHON_BLOCKS if "TextEvaluator" in b]
    lines = _run(code)
    assert lines[-1] == _commented(code)[-1]
    assert any(line.startswith("script-no-sms-yes-acceptance violation") for line in lines)


def test_main_command_gives_what_the_readme_says() -> None:
    main_command = next(c for c in SH_BLOCKS if "pip install ." in c)
    cli = main_command.split(".venv/bin/kontakta-rules ", 1)[1]
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        status = main([*shlex.split(cli), "--lang", "en"], out=out, err=io.StringIO())
    finally:
        os.chdir(cwd)
    assert "41 records evaluated,\n2 rejected" in README
    assert out.getvalue().startswith("41 records evaluated, 2 rejected\n")
    assert status == 2  # the README explains why


def test_ci_runs_the_readme_test_command() -> None:
    block = next(b for b in SH_BLOCKS if "nox -s tests" in b)
    assert block in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
