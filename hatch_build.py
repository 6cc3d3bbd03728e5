"""Build hook: compile the gettext catalogs (``.po`` -> ``.mo``) into the package.

The ``.mo`` files are build outputs (ignored by git); the wheel ships them as artifacts.
``nox -s catalogs`` runs the same compile step during development.
"""

from __future__ import annotations

from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

LOCALE_DIR = "src/kontakta_rules/locale"


class CompileCatalogs(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        from babel.messages.frontend import CommandLineInterface

        CommandLineInterface().run(
            ["pybabel", "-q", "compile", "-D", "kontakta_rules", "-d", LOCALE_DIR]
        )
