"""The audit of a large file on several processes, with exactly the sequential result.

Reading stays in this process (lines and CSV rows are cheap to read); turning them into
records and judging them, the costly part, runs in worker processes forked from this one, so
they share its rulesets, overlay and NIX register without loading them again. Chunks of lines
go out in order and come back in order, a few at a time, so memory stays bounded whatever
the size of the file. The two passes are those of :meth:`CallEvaluator.stream`: the first
collects what the batch says about each call, the second judges; each line's outcome comes
from the same :meth:`CallEvaluator.judge_line`, and a test holds the two paths together.

Forked workers exist on Linux; elsewhere (and with one job) the audit runs in one process.
"""

from __future__ import annotations

import collections
import datetime as dt
import itertools
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from .evaluate import CallEvaluator
from .history import BatchCollector, micros
from .model import RejectedInput, RuleRef
from .report import ReportWriter
from .subjects.call_io import Raw, csv_item, jsonl_item, raw_csv, raw_jsonl
from .subjects.call_record import CallRecord
from .vocabulary import Outcome

CHUNK_LINES = 2_000
"""Lines sent to a worker at a time."""
AHEAD = 3
"""Chunks in flight per worker: enough to keep the workers busy, few enough to bound memory."""
PARALLEL_FROM_BYTES = 4 << 20
"""Smaller files are audited in one process: starting workers would cost more than it saves."""

RuleKey = tuple[str, str, str]
"""A rule as workers name it: ruleset id, version (ISO date), rule id."""
Rendered = tuple[list[tuple[RuleKey, Outcome]], list[tuple[RuleKey, Outcome, str]]]
"""A judged record as a worker sends it: the outcome of every rule, and the findings the
report lists, rendered."""

# What forked workers inherit from the process that forks them (set just before forking).
_STATE: dict[str, Any] = {}


def can_fork() -> bool:
    return sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()


def default_jobs(path: Path) -> int:
    """Worker processes for auditing ``path``: one per core (at most 4) for a large file on a
    system that forks, else 1 (in this process)."""
    if not can_fork():
        return 1
    try:
        size = path.stat().st_size
    except OSError:
        return 1
    return min(os.cpu_count() or 1, 4) if size >= PARALLEL_FROM_BYTES else 1


def stream(
    evaluator: CallEvaluator,
    writer: ReportWriter,
    path: Path,
    *,
    source: str,
    is_csv: bool,
    jobs: int,
) -> Iterator[int]:
    """Audit the records in ``path`` into ``writer`` with ``jobs`` forked worker processes,
    as ``evaluator.stream`` and ``writer.subject`` would in one; yields each line's number as
    it is done (for a progress display)."""

    def read() -> Iterator[Raw]:
        return raw_csv(path, source) if is_csv else raw_jsonl(path, source)

    _STATE.update(source=source, is_csv=is_csv, evaluator=evaluator, writer=writer)
    try:
        batch = BatchCollector()
        for facts in _run(_facts, read(), jobs):
            for fact in facts:
                batch.add_call(*fact)
        _STATE["first_line"] = batch.first_line
        with evaluator.batch(batch):
            refs: dict[RuleKey, RuleRef] = {}

            def ref(key: RuleKey) -> RuleRef:
                found = refs.get(key)
                if found is None:
                    found = refs[key] = evaluator.rule_ref(
                        key[0], dt.date.fromisoformat(key[1]), key[2]
                    )
                return found

            for judged in _run(_judge, read(), jobs):
                for line, item in judged:
                    if isinstance(item, RejectedInput):
                        writer.rejected(item)
                    else:
                        outcomes, listed = item
                        writer.rendered(
                            [(ref(k), o) for k, o in outcomes],
                            [(ref(k), o, text) for k, o, text in listed],
                        )
                    yield line
    finally:
        _STATE.clear()


def _run(work: Callable[[list[Raw]], Any], raws: Iterable[Raw], jobs: int) -> Iterator[Any]:
    """``work`` over chunks of ``raws`` in ``jobs`` forked processes, results in order."""
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs) as pool:
        pending: collections.deque[Any] = collections.deque()
        for chunk in _chunks(raws):
            pending.append(pool.apply_async(work, (chunk,)))
            if len(pending) >= AHEAD * jobs:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def _chunks(raws: Iterable[Raw]) -> Iterator[list[Raw]]:
    iterator = iter(raws)
    while chunk := list(itertools.islice(iterator, CHUNK_LINES)):
        yield chunk


def _item(line: int, raw: Any) -> CallRecord | RejectedInput:
    convert = csv_item if _STATE["is_csv"] else jsonl_item
    return convert(_STATE["source"], line, raw)


def _facts(chunk: list[Raw]) -> list[tuple[int, str, str, str, int, bool | None]]:
    """In a worker: what each usable record of the chunk tells about its call."""
    out = []
    for line, raw in chunk:
        item = _item(line, raw)
        if isinstance(item, CallRecord):
            out.append(
                (
                    line,
                    item.call_id,
                    item.calling_organisation,
                    item.destination,
                    micros(item.started_at),
                    item.silent,
                )
            )
    return out


def _judge(chunk: list[Raw]) -> list[tuple[int, RejectedInput | Rendered]]:
    """In a worker: each line's rejection, or its outcomes and its listed findings rendered
    (rules named by key: a rule is not sent whole)."""
    evaluator: CallEvaluator = _STATE["evaluator"]
    writer: ReportWriter = _STATE["writer"]
    first_line, source = _STATE["first_line"], _STATE["source"]
    shown = writer.shown
    keys: dict[RuleRef, RuleKey] = {}
    out: list[tuple[int, RejectedInput | Rendered]] = []
    for line, raw in chunk:
        judged = evaluator.judge_line(line, _item(line, raw), first_line, source)
        if isinstance(judged, RejectedInput):
            out.append((line, judged))
            continue
        outcomes, listed = [], []
        for f in judged:
            key = keys.get(f.rule)
            if key is None:
                rule = f.rule
                key = keys[rule] = (rule.ruleset_id, rule.ruleset_version.isoformat(), rule.rule_id)
            outcomes.append((key, f.outcome))
            if f.outcome in shown:
                listed.append((key, f.outcome, writer.render(f)))
        out.append((line, (outcomes, listed)))
    return out
