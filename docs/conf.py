"""Sphinx configuration of the kontakta_rules documentation.

One source, two sites: ``-D language=en`` or ``-D language=sv`` (``nox -s docs`` builds
both). The prose is translated through ``locale/sv/LC_MESSAGES/*.po`` (``nox -s
docs-gettext`` updates them); the rules, labels and CLI help come from the library in the
page's language, so they need no translation here.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx

import kontakta_rules

project = "kontakta_rules"
author = "kontakta_rules developers"
copyright = "2026, kontakta_rules developers"
release = version = kontakta_rules.__version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "kontakta_rules.sphinxext",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "_templates", "locale", "Thumbs.db", ".DS_Store"]

# -- languages ---------------------------------------------------------------------------
language = "en"  # overridden per build: -D language=sv
locale_dirs = ["locale/"]
gettext_compact = False  # one catalog per page
gettext_uuid = False

# -- the rulesets ------------------------------------------------------------------------
# writes rulesets/index.rst, rulesets/<id>/index.rst and rulesets/<id>/<version>.rst
# (ignored by git) when the build starts
kontakta_rules_generate_pages = "rulesets"

# -- MyST --------------------------------------------------------------------------------
myst_heading_anchors = 3

# -- autodoc -----------------------------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"members": True}

# -- HTML --------------------------------------------------------------------------------
html_theme = "furo"
html_title = f"kontakta_rules {release}"
html_static_path: list[str] = []
html_show_sourcelink = False
templates_path = ["_templates"]
# furo's sidebar with a link to the same page in the other language
html_sidebars = {
    "**": [
        "sidebar/brand.html",
        "sidebar/search.html",
        "sidebar/scroll-start.html",
        "sidebar/navigation.html",
        "sidebar/languages.html",
        "sidebar/scroll-end.html",
        "sidebar/variant-selector.html",
    ]
}


def _api_reference_stays_english(app: Sphinx, doctree: nodes.document) -> None:
    """The API reference (autodoc's object descriptions, from the docstrings) is English in
    both sites; keep it out of the prose catalogs so translators get only the prose."""
    for desc in doctree.findall(addnodes.desc):
        for element in desc.findall(nodes.TextElement):
            element["translatable"] = False


def setup(app: Sphinx) -> None:
    app.connect("doctree-read", _api_reference_stays_english)
