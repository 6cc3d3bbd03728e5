"""Build hook: compile the gettext catalogs (``.po`` -> ``.mo``) into the package.

The ``.mo`` files are build outputs (ignored by git); the wheel ships them as artifacts.
``nox -s catalog-compile`` runs the same step during development; tests check the catalogs'
content (every message translated, placeholders equal), so the hook only has to compile.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

LOCALE_DIR = "src/kontakta_rules/locale"


class CompileCatalogs(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name == "sdist":
            return  # the sdist carries the .po; its wheel build compiles them
        from babel.messages.frontend import CommandLineInterface

        locale = Path(self.root) / LOCALE_DIR
        status = CommandLineInterface().run(
            ["pybabel", "-q", "compile", "-D", "kontakta_rules", "-d", str(locale)]
        )
        if status:
            raise RuntimeError(f"pybabel could not compile the catalogs in {locale}")
