"""A columnar engine against the reference evaluator on many generated call records
(``nox -s equivalence``; default 1,000,000 records, DuckDB).

The records come from the seeded generator in ``tests/columnar_data.py`` (the values of the
hypothesis strategies in ``tests/test_columnar.py``, aimed at the rules' edges: DST changes,
midnight, month ends, holidays and eves, versions' first days, calling-window edges, NIX
validity, consent and customer tails, frequency windows, acceptance and confirmation
deadlines, the opening window, silent-call limits). They are judged in independent batches
(``--batch``, default 20,000 records): each batch is an audit of its own on both sides, its
calls the only call history for frequency caps and the only calls for silent-call shares, and
no state is carried from one batch to the next. The policy and the pins rotate across the
batches: the example policy, the rule cases' policy, each with and without a NIX register
snapshot, and the cases' policy with every version of every call ruleset pinned.

Both sides give findings as (line, ruleset, version, rule, outcome, message id, arguments);
they are compared as multisets. Prints how many records, batches and findings were compared,
how many records sat at each edge (counted from the records), the time taken and the peak
memory, and the first differences with their records. Exits 1 on any difference.

    python benchmarks/equivalence.py [--records N] [--seed S] [--batch B]
        [--engine duckdb|spark] [--sample N] [--only-batch K] [--show N]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import attrs  # noqa: E402

import columnar_data as data  # noqa: E402
from kontakta_rules.errors import FieldProblem  # noqa: E402
from kontakta_rules.evaluate import CALL_RULESETS, CallEvaluator  # noqa: E402
from kontakta_rules.loading import load_overlay  # noqa: E402
from kontakta_rules.nix import NixRegister  # noqa: E402
from kontakta_rules.subjects import CallRecord  # noqa: E402

EXAMPLE_POLICY = ROOT / "examples" / "policy.toml"
CASES_POLICY = ROOT / "tests" / "data" / "overlays" / "cases-policy.toml"
SPARK_SAMPLE = 20_000


def configurations() -> list[tuple[str, CallEvaluator]]:
    """The evaluators the batches rotate through, with a name for each."""
    example, cases = load_overlay(EXAMPLE_POLICY), load_overlay(CASES_POLICY)
    register = NixRegister.from_lines(data.REGISTER_LINES, updated=data.REGISTER_UPDATED)
    out = [
        ("example policy", CallEvaluator(overlay=example)),
        ("cases policy + NIX register", CallEvaluator(overlay=cases, nix=register)),
        ("example policy + NIX register", CallEvaluator(overlay=example, nix=register)),
        ("cases policy", CallEvaluator(overlay=cases)),
    ]
    catalog = out[0][1].catalog
    n = 0
    for rid in CALL_RULESETS:
        for version in catalog.versions(rid):
            with_register = n % 2 == 1
            name = f"cases policy, {rid}@{version} pinned" + (
                " + NIX register" if with_register else ""
            )
            evaluator = CallEvaluator(
                pins={rid: version}, overlay=cases, nix=register if with_register else None
            )
            out.append((name, evaluator))
            n += 1
    return out


def _finding(key: data.Key) -> str:
    line, ruleset, version, rule, outcome, msgid, args = key
    return f"line {line}: {ruleset}@{version} {rule} {outcome}: {msgid!r} {args}"


Rule = tuple[str, str]
"""A ruleset id and a rule id."""


def _differs(
    engine: str, evaluator: CallEvaluator, records: Sequence[CallRecord], call_id: str, rule: Rule
) -> bool:
    """Whether ``rule`` gives the call ``call_id`` different findings when ``records`` are
    judged as a batch (False when a record cannot be made)."""
    items = list(enumerate(records, start=1))
    line = next(n for n, r in items if r.call_id == call_id)
    c = data.compare(engine, evaluator, items)
    return any(k[0] == line and (k[1], k[3]) == rule for k in (*c.missing, *c.extra))


def _without(record: CallRecord, name: str) -> CallRecord | None:
    """``record`` with the optional field ``name`` absent; None when that is not a change or
    not a record."""
    if getattr(record, name) is None:
        return None
    try:
        changes: dict[str, Any] = {name: None}
        return attrs.evolve(record, **changes)
    except (FieldProblem, TypeError):
        return None


def smallest(
    engine: str,
    evaluator: CallEvaluator,
    batch: Sequence[CallRecord],
    call_id: str,
    rule: Rule,
) -> list[CallRecord]:
    """A small batch in which ``rule`` still gives the call ``call_id`` different findings:
    the call alone, with the calls to the same number by the same organisation, with the
    calls of the same organisation, or else the whole batch; then (for at most 40 calls)
    other calls left out and optional fields made absent one at a time while the difference
    stays."""
    record = next(r for r in batch if r.call_id == call_id)
    candidates = [
        [record],
        [
            r
            for r in batch
            if (r.calling_organisation, r.destination)
            == (record.calling_organisation, record.destination)
        ],
        [r for r in batch if r.calling_organisation == record.calling_organisation],
        list(batch),
    ]
    subset = candidates[-1]
    for candidate in candidates:
        if _differs(engine, evaluator, candidate, call_id, rule):
            subset = candidate
            break
    if len(subset) > 40:
        return subset
    i = 0
    while i < len(subset):
        if subset[i].call_id != call_id:
            trial = subset[:i] + subset[i + 1 :]
            if _differs(engine, evaluator, trial, call_id, rule):
                subset = trial
                continue
        i += 1
    for i in range(len(subset)):
        for name in data.OPTIONAL_FIELDS:
            for smaller in (_without(subset[i], name), *_shorter(subset[i], name)):
                if smaller is not None:
                    trial = [*subset[:i], smaller, *subset[i + 1 :]]
                    if _differs(engine, evaluator, trial, call_id, rule):
                        subset = trial
                        break
            value = getattr(subset[i], name)
            if isinstance(value, tuple) and len(value) > 1:  # then one item at a time
                j = 0
                while j < len(value):
                    changes: dict[str, Any] = {name: value[:j] + value[j + 1 :]}
                    shorter = attrs.evolve(subset[i], **changes)
                    trial = [*subset[:i], shorter, *subset[i + 1 :]]
                    if _differs(engine, evaluator, trial, call_id, rule):
                        subset, value = trial, changes[name]
                    else:
                        j += 1
    return subset


def _shorter(record: CallRecord, name: str) -> list[CallRecord]:
    """``record`` with the list ``name`` empty (none for other fields)."""
    value = getattr(record, name)
    if not isinstance(value, tuple) or not value:
        return []
    changes: dict[str, Any] = {name: ()}
    return [attrs.evolve(record, **changes)]


def _show(
    args: argparse.Namespace,
    name: str,
    evaluator: CallEvaluator,
    index: int,
    batch: Sequence[CallRecord],
    comparison: data.Comparison,
) -> None:
    engine = args.engine
    print(
        f"\nbatch {index} ({name}): {comparison.missing.total():,} findings only the reference "
        f"gave, {comparison.extra.total():,} only {engine} gave; the first calls:"
    )
    lines = sorted({k[0] for k in (*comparison.missing, *comparison.extra)})
    for line in lines[: args.show]:
        r = batch[line - 1]
        print(f"  call {r.call_id} (line {line}): {data.shown_record(r)}")
        for k in sorted(k for k in comparison.missing if k[0] == line):
            print(f"    reference only: {_finding(k)}")
        for k in sorted(k for k in comparison.extra if k[0] == line):
            print(f"    {engine} only: {_finding(k)}")
    first = min((*comparison.missing, *comparison.extra))
    call_id, rule = batch[first[0] - 1].call_id, (first[1], first[3])
    small = smallest(engine, evaluator, batch, call_id, rule)
    print(
        f"  the smallest batch found in which {rule[0]} {rule[1]} still differs for call "
        f"{call_id} ({len(small)} records, absent fields left out):"
    )
    items = list(enumerate(small, start=1))
    c = data.compare(engine, evaluator, items)
    for r in small[:10]:
        print(f"    {data.shown_record(r)}")
    for k in sorted(c.missing):
        print(f"    reference only: {_finding(k)}")
    for k in sorted(c.extra):
        print(f"    {engine} only: {_finding(k)}")
    print(
        f"  again: python benchmarks/equivalence.py --engine {engine} --seed {args.seed} "
        f"--batch {args.batch} --only-batch {index}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", default="0")
    parser.add_argument("--batch", type=int, default=20_000, help="records per batch")
    parser.add_argument("--engine", choices=sorted(data.ENGINES), default="duckdb")
    parser.add_argument(
        "--sample",
        type=int,
        help=f"judge only the first N records of the stream (whole batches); default: all, "
        f"and {SPARK_SAMPLE:,} for spark",
    )
    parser.add_argument("--only-batch", type=int, help="judge only batch K (to reproduce)")
    parser.add_argument("--show", type=int, default=5, help="calls shown per differing batch")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    if args.records < 1 or args.batch < 1:
        parser.error("--records and --batch must be positive")
    try:
        data.engine_judge(args.engine)
    except data.EngineUnavailable as exc:
        print(f"equivalence: {exc}", file=sys.stderr)
        return 2
    sample = (
        args.sample
        if args.sample is not None
        else (SPARK_SAMPLE if args.engine == "spark" else None)
    )
    records = min(args.records, sample) if sample is not None else args.records
    batches = -(-records // args.batch)
    indices = [args.only_batch] if args.only_batch is not None else list(range(batches))

    started = time.perf_counter()
    configs = configurations()
    bounds = data.Boundaries.of(
        configs[0][1], [load_overlay(EXAMPLE_POLICY), load_overlay(CASES_POLICY)]
    )
    generator = data.Generator(bounds)
    print(f"equivalence: the reference against {args.engine}, seed {args.seed!r}")
    print(
        f"{records:,} records in {len(indices)} batches of up to {args.batch:,}"
        + (
            f" (a sample: the first {records:,} of {args.records:,})"
            if records < args.records
            else ""
        )
        + (f" (only batch {args.only_batch})" if args.only_batch is not None else "")
        + "; each batch is an audit of its own on both sides (its calls are the only call history"
        " and give the silent-call shares)"
    )
    tried: Counter[str] = Counter()
    per_config: Counter[str] = Counter()
    judged = reference_findings = engine_findings = rejected = differing = 0
    seconds: dict[str, float] = defaultdict(float)
    shown = 0
    by_rule: Counter[str] = Counter()
    failed: list[str] = []
    for index in indices:
        size = (
            min(args.batch, records - index * args.batch) if args.only_batch is None else args.batch
        )
        t = time.perf_counter()
        batch = generator.batch(f"{args.seed}/{index}", size)
        seconds["generating records"] += time.perf_counter() - t
        name, evaluator = configs[index % len(configs)]
        items = list(enumerate(batch, start=1))
        t = time.perf_counter()
        ref, refused = data.reference_keys(evaluator, items)
        seconds["reference"] += time.perf_counter() - t
        t = time.perf_counter()
        try:
            eng = data.engine_keys(args.engine, evaluator, items)
        except Exception as exc:  # the engine failing on a batch is a result, not a crash
            failed.append(f"batch {index} ({name}): {type(exc).__name__}: {exc}"[:500])
            print(f"\n{args.engine} failed on {failed[-1]}")
            continue
        finally:
            seconds[args.engine] += time.perf_counter() - t
        t = time.perf_counter()
        a, b = Counter(ref), Counter(eng)
        comparison = data.Comparison(a - b, b - a, len(ref), len(eng), refused)
        del ref, eng, a, b
        seconds["comparing"] += time.perf_counter() - t
        t = time.perf_counter()
        tried += data.situations(bounds, batch)
        seconds["counting edges"] += time.perf_counter() - t
        judged += len(batch)
        per_config[name] += 1
        reference_findings += comparison.reference
        engine_findings += comparison.engine
        rejected += comparison.rejected
        found = comparison.missing.total() + comparison.extra.total()
        differing += found
        for k in (*comparison.missing.elements(), *comparison.extra.elements()):
            by_rule[f"{k[1]}@{k[2]} {k[3]}"] += 1
        if found and shown < 3:
            t = time.perf_counter()
            _show(args, name, evaluator, index, batch, comparison)
            seconds["showing differences"] += time.perf_counter() - t
            shown += 1
        elapsed = time.perf_counter() - started
        print(
            f"  batch {index} done ({sum(per_config.values())} of {len(indices)}): "
            f"{judged:,} records, {differing:,} differences, "
            f"{elapsed / 60:.1f} min",
            file=sys.stderr,
            flush=True,
        )

    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        "policies and pins (batches each): "
        + "; ".join(f"{n} ({c})" for n, c in per_config.items())
    )
    print(
        f"records judged: {judged:,}; lines the reference rejected: {rejected:,} (dated before "
        "any call rules, or a call id seen on an earlier line; the engine gives them no findings)"
    )
    print(
        f"findings compared: {reference_findings:,} from the reference, {engine_findings:,} from {args.engine}"
    )
    print("records at each edge (counted from the records):")
    width = max(len(f"{v:,}") for v in tried.values()) if tried else 1
    for key, what in data.SITUATIONS.items():
        print(f"  {tried[key]:>{width},}  {what}")
    if generator.refused:
        print(
            f"draws CallRecord refused and drawn again: {generator.refused.total():,} ("
            + "; ".join(f"{n:,} {why}" for why, n in generator.refused.items())
            + ")"
        )
        for example in generator.refused_examples:
            print(f"  e.g. {example}")
    print(
        f"time: {elapsed:,.0f} s, {judged / elapsed:,.0f} records/s; "
        + ", ".join(f"{k} {v:,.0f} s" for k, v in sorted(seconds.items(), key=lambda kv: -kv[1]))
        + f"; peak RSS {peak:,.0f} MiB"
    )
    if failed:
        print(f"batches {args.engine} failed on: {len(failed)}")
        for failure in failed:
            print(f"  {failure}")
    print(f"differences: {differing:,}")
    for rule, n in by_rule.most_common():
        print(f"  {n:,} {rule}")
    return 1 if differing or failed else 0


if __name__ == "__main__":
    sys.exit(main())
