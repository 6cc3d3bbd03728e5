"""Discover ruleset files, select versions (by id and version, or in force on a date),
pin them by fingerprint.

Files live at ``<root>/<ruleset-id>/<YYYY-MM-DD>.toml``; the bundled root is the
top-level ``rulesets/`` folder, which the wheel carries inside the package.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Iterator, Sequence
from importlib.resources import files
from pathlib import Path

from .canonical import fingerprint
from .i18n import Message
from .loading import LISTS_DIR, LoadError, Problem, load_lists, read_toml, ruleset_from_data
from .model import ID_PATTERN, Ruleset, ValueList
from .text import Lang

EXTRA_PATH_VARIABLE = "KONTAKTA_RULES_PATH"
"""Environment variable naming extra ruleset roots (``os.pathsep``-separated)."""
SHADOW_VARIABLE = "KONTAKTA_RULES_SHADOW"
"""Environment variable naming the ``id@version`` (comma-separated) that a file on an extra
root may replace. Without it, a second file for the same version is an error: a weakened copy
of a bundled ruleset must never take its place silently."""


class CatalogError(LookupError):
    """A ruleset or version that cannot be found or does not match a pin."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.render("en"))
        self.message = message

    def render(self, lang: Lang) -> str:
        return self.message.render(lang)


def bundled_rulesets_dir() -> Path:
    """The ``rulesets/`` folder shipped with the package.

    An installed wheel has it inside the package; an editable install (or a source
    checkout on ``PYTHONPATH``) reads the top-level folder of the source tree.
    """
    packaged = files("kontakta_rules") / "rulesets"
    if packaged.is_dir():
        return Path(str(packaged))
    source_tree = Path(__file__).resolve().parents[2] / "rulesets"
    if source_tree.is_dir():
        return source_tree
    raise RuntimeError("kontakta_rules is installed without its rulesets/ folder")


def _bundled_or_none() -> Path | None:
    try:
        return bundled_rulesets_dir()
    except RuntimeError:
        return None


def parse_ref(ref: str) -> tuple[str, dt.date | None]:
    """``"id@YYYY-MM-DD"`` -> ``(id, date)``; ``"id"`` -> ``(id, None)``."""
    ruleset_id, _, version = ref.partition("@")
    if not ID_PATTERN.match(ruleset_id):
        raise CatalogError(
            Message("not a ruleset reference: {ref} (use ID or ID@YYYY-MM-DD)", {"ref": ref})
        )
    if not version:
        return ruleset_id, None
    try:
        return ruleset_id, dt.date.fromisoformat(version)
    except ValueError:
        raise CatalogError(
            Message("not a ruleset reference: {ref} (use ID or ID@YYYY-MM-DD)", {"ref": ref})
        ) from None


class Catalog:
    """Rulesets found under one or more root folders; files are loaded on first use."""

    def __init__(
        self, roots: Sequence[Path | str] | None = None, *, shadow: Sequence[str] | None = None
    ) -> None:
        """``roots``: folders of ruleset files (default: the bundled folder, then
        ``KONTAKTA_RULES_PATH``). A version found in two roots is a :class:`CatalogError`
        unless ``shadow`` (default: ``KONTAKTA_RULES_SHADOW``) names it; then the later root
        wins, and every report names the file it came from."""
        if roots is None:
            extra = [
                Path(p) for p in os.environ.get(EXTRA_PATH_VARIABLE, "").split(os.pathsep) if p
            ]
            roots = [bundled_rulesets_dir(), *extra]
        if shadow is None:
            shadow = [s.strip() for s in os.environ.get(SHADOW_VARIABLE, "").split(",")]
        self.roots = tuple(Path(r) for r in roots)
        self.shadow = frozenset(s for s in shadow if s)
        self._files: dict[str, dict[dt.date, tuple[Path, str]]] = {}
        self._cache: dict[tuple[str, dt.date], Ruleset] = {}
        self._lists: dict[str, ValueList] | None = None
        self._discover()

    @classmethod
    @functools.cache
    def default(cls) -> Catalog:
        """The catalog of bundled rulesets (shared; rulesets are immutable)."""
        return cls()

    def lists(self) -> dict[str, ValueList]:
        """The shared value lists of every root (``<root>/_lists``), read once."""
        if self._lists is None:
            found: dict[str, ValueList] = {}
            for root in self.roots:
                found.update(load_lists(root / LISTS_DIR, root.name))
            self._lists = found
        return self._lists

    def _discover(self) -> None:
        for root in self.roots:
            for path in sorted(root.glob("*/*.toml")):
                if path.parent.name == LISTS_DIR:
                    continue
                try:
                    version = dt.date.fromisoformat(path.stem)
                except ValueError:
                    continue  # not a ruleset version file; ``lint`` reports it
                source = f"{root.name}/{path.relative_to(root).as_posix()}"
                versions = self._files.setdefault(path.parent.name, {})
                ref = f"{path.parent.name}@{version.isoformat()}"
                if version in versions and ref not in self.shadow:
                    raise CatalogError(
                        Message(
                            "{ref} is in {first} and again in {second}; a second file may not "
                            "replace a ruleset version silently. Give your version its own "
                            "date, or name it in {variable} if replacing it is intended",
                            {
                                "ref": ref,
                                "first": str(versions[version][0]),
                                "second": str(path),
                                "variable": SHADOW_VARIABLE,
                            },
                        )
                    )
                versions[version] = (path, source)

    # ------------------------------------------------------------------ listing

    def ids(self) -> list[str]:
        return sorted(self._files)

    def versions(self, ruleset_id: str) -> list[dt.date]:
        if ruleset_id not in self._files:
            raise CatalogError(
                Message(
                    "no ruleset {id}; known: {known}",
                    {"id": ruleset_id, "known": ", ".join(self.ids())},
                )
            )
        return sorted(self._files[ruleset_id])

    def source(self, ruleset_id: str, version: dt.date) -> str:
        """The file a version is read from, as shown in messages."""
        self._require(ruleset_id, version)
        return self._files[ruleset_id][version][1]

    def origin(self, ruleset_id: str, version: dt.date) -> str:
        """Where a version comes from, as reports name it: ``bundled: rulesets/<id>/<v>.toml``
        for the rulesets shipped with the package, else the file's full path."""
        self._require(ruleset_id, version)
        path, source = self._files[ruleset_id][version]
        bundled = _bundled_or_none()
        if bundled is not None and path.parent.parent.resolve() == bundled.resolve():
            return f"bundled: {source}"
        return str(path.resolve())

    def __iter__(self) -> Iterator[Ruleset]:
        """Every version of every ruleset, by id then version."""
        for ruleset_id in self.ids():
            for version in self.versions(ruleset_id):
                yield self.get(ruleset_id, version)

    # ------------------------------------------------------------------ selecting

    def _require(self, ruleset_id: str, version: dt.date) -> None:
        if version not in self.versions(ruleset_id):
            raise CatalogError(
                Message(
                    "{id} has no version {version}; versions: {versions}",
                    {
                        "id": ruleset_id,
                        "version": version.isoformat(),
                        "versions": ", ".join(v.isoformat() for v in self.versions(ruleset_id)),
                    },
                )
            )

    def get(self, ruleset_id: str, version: dt.date | None = None) -> Ruleset:
        """One version (the newest when ``version`` is None)."""
        if version is None:
            version = self.versions(ruleset_id)[-1]
        self._require(ruleset_id, version)
        key = (ruleset_id, version)
        if key not in self._cache:
            self._cache[key] = self._load(ruleset_id, version)
        return self._cache[key]

    def resolve(self, ref: str) -> Ruleset:
        """``"id@YYYY-MM-DD"`` or ``"id"`` (newest version)."""
        return self.get(*parse_ref(ref))

    def in_force(self, ruleset_id: str, on: dt.date) -> Ruleset:
        """The version in force on ``on``: the newest whose date is not after it."""
        versions = self.versions(ruleset_id)
        eligible = [v for v in versions if v <= on]
        if not eligible:
            raise CatalogError(
                Message(
                    "{id} has no version in force on {date}; the first takes effect on {first}",
                    {"id": ruleset_id, "date": on.isoformat(), "first": versions[0].isoformat()},
                )
            )
        return self.get(ruleset_id, eligible[-1])

    def valid_until(self, ruleset: Ruleset) -> dt.date | None:
        """The date the next version takes effect (exclusive end), or None for the newest."""
        later = [v for v in self.versions(ruleset.id) if v > ruleset.version]
        return later[0] if later else None

    def get_pinned(self, ref: str, expected_fingerprint: str) -> Ruleset:
        """The version ``ref`` names, only if its content still has ``expected_fingerprint``."""
        rs = self.resolve(ref)
        actual = fingerprint(rs)
        if actual != expected_fingerprint:
            raise CatalogError(pin_mismatch(rs, actual, expected_fingerprint))
        return rs

    # ------------------------------------------------------------------ loading

    def _load(self, ruleset_id: str, version: dt.date) -> Ruleset:
        path, source = self._files[ruleset_id][version]
        later = [v for v in self.versions(ruleset_id) if v > version]
        rs = ruleset_from_data(
            read_toml(path, source),
            source,
            until=later[0] if later else None,
            lists=self.lists(),
        )
        problems = []
        if rs.id != ruleset_id:
            problems.append(
                Problem(
                    source,
                    "$.id",
                    Message(
                        "the id {id} does not match the folder {folder}",
                        {"id": rs.id, "folder": ruleset_id},
                    ),
                )
            )
        if rs.version != version:
            problems.append(
                Problem(
                    source,
                    "$.version",
                    Message(
                        "the version {version} does not match the file name {name}",
                        {"version": rs.version.isoformat(), "name": path.name},
                    ),
                )
            )
        if problems:
            raise LoadError(problems)
        return rs

    def check_all(self) -> list[Problem]:
        """Every problem in every file, including references between rulesets."""
        problems: list[Problem] = []
        for root in self.roots:
            for path in sorted(root.glob("*/*.toml")):
                if path.parent.name == LISTS_DIR:
                    continue
                try:
                    dt.date.fromisoformat(path.stem)
                except ValueError:
                    problems.append(
                        Problem(
                            f"{root.name}/{path.relative_to(root).as_posix()}",
                            "",
                            Message(
                                "a ruleset file is named after its version date (YYYY-MM-DD.toml)"
                            ),
                        )
                    )
        for ruleset_id in self.ids():
            for version in self.versions(ruleset_id):
                try:
                    rs = self.get(ruleset_id, version)
                except LoadError as exc:
                    problems += exc.problems
                    continue
                problems += self._reference_problems(rs)
        return problems

    def _reference_problems(self, rs: Ruleset) -> list[Problem]:
        problems = []
        for i, rule in enumerate(rs.rules):
            target = getattr(rule.check, "ruleset", None)
            if isinstance(target, str) and target not in self._files:
                problems.append(
                    Problem(
                        self.source(rs.id, rs.version),
                        f"$.rules[{i}].check.ruleset",
                        Message(
                            "refers to ruleset {id}, which the catalog does not have",
                            {"id": target},
                        ),
                    )
                )
        return problems


def pin_mismatch(rs: Ruleset, actual: str, pinned: str) -> Message:
    """Why a pinned fingerprint no longer matches: the encoding revisions made since the
    pinned one (what and why), or that no recorded revision had that fingerprint."""
    args = {"ref": rs.ref, "actual": actual, "expected": pinned, "revision": rs.revision}
    was = rs.revision_of(pinned)
    if was is None:
        return Message(
            "{ref} has fingerprint {actual} (encoding revision {revision}), not the pinned "
            "{expected}, and no recorded revision of it had that fingerprint: its data differ "
            "from what was pinned",
            args,
        )
    lines = [
        Message(
            "revision {revision} of {date}: {summary}",
            {"revision": r.revision, "date": r.date, "summary": r.summary},
        )
        for r in rs.revisions_since(was)
    ]
    return Message(
        "{ref} is now encoding revision {revision} (fingerprint {actual}); the pinned "
        "{expected} is revision {was}. Corrected since: {changes}. "
        "See 'kontakta-rules diff {ref}#{was} {ref}' for every change and its reason.",
        {**args, "was": was, "changes": tuple(lines)},
    )
