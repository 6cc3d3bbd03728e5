"""The README's Python example runs, and its two commands are the ones CI runs."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_python_example_runs_and_prints_both_languages() -> None:
    (code,) = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    lines = out.getvalue().splitlines()
    assert lines[0] == "Ring inte spärrade nummer"
    assert lines[1] == "Do not call registered numbers"
    assert lines[2].startswith("http")


def test_ci_runs_the_readme_test_command() -> None:
    commands = re.findall(r"```sh\n(.*?)\n```", README, flags=re.S)
    test_command = next(c for c in commands if "nox -s tests" in c)
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
