"""Entity-resolution benchmark: quality against the naive baseline, and speed at 10k / 30k / 100k records.

Run on purpose, not in the test suite:  .venv/bin/python -m benchmarks.entity_resolution [--sizes 10000 30000 100000]
Writes the figures as Markdown to stdout (and to docs/benchmarks/entity_resolution.md with --write).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from benchmarks.er_data import benchmark_set
from registry.identity.resolve import resolve
from registry.ingest.records import SourceRecord

RecordKey = tuple[str, str]
OUTPUT = Path(__file__).resolve().parents[1] / "docs" / "benchmarks" / "entity_resolution.md"


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise_scores(clusters: Iterable[Sequence[RecordKey]], truth: Mapping[RecordKey, int]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of predicted clusters against the true entities."""
    predicted_pairs = true_positive = 0
    for cluster in clusters:
        predicted_pairs += _pairs(len(cluster))
        true_positive += sum(_pairs(c) for c in Counter(truth[k] for k in cluster).values())
    true_pairs = sum(_pairs(c) for c in Counter(truth.values()).values())
    precision = true_positive / predicted_pairs if predicted_pairs else 1.0
    recall = true_positive / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "true_pairs": true_pairs,
        "predicted_pairs": predicted_pairs,
    }


def orgnr_conflicts(clusters: Iterable[Sequence[SourceRecord]]) -> int:
    return sum(1 for cluster in clusters if len({r.orgnr for r in cluster if r.orgnr}) > 1)


def naive_baseline(records: Sequence[SourceRecord]) -> list[list[RecordKey]]:
    """Lower-cased names, token_sort_ratio >= 90 over all pairs, connected components."""
    names = [r.name.lower() for r in records]
    matrix = process.cdist(names, names, scorer=fuzz.token_sort_ratio, score_cutoff=90, dtype=np.uint8, workers=-1)
    parent = list(range(len(records)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in zip(*np.nonzero(matrix), strict=True):
        if i < j:
            parent[find(int(i))] = find(int(j))
    groups: dict[int, list[RecordKey]] = defaultdict(list)
    for index, record in enumerate(records):
        groups[find(index)].append(record.key)
    return list(groups.values())


def _row(label: str, scores: Mapping[str, float], conflicts: int, seconds: float) -> str:
    return (
        f"| {label} | {scores['precision']:.4f} | {scores['recall']:.4f} | {scores['f1']:.4f} | {conflicts} | "
        f"{seconds:.1f} |"
    )


def quality(size: int) -> list[str]:
    records, truth = benchmark_set(size)
    started = time.perf_counter()
    result = resolve(records)
    ours_seconds = time.perf_counter() - started
    started = time.perf_counter()
    baseline = naive_baseline(records)
    baseline_seconds = time.perf_counter() - started
    by_key = {r.key: r for r in records}
    return [
        f"### Quality on {len(records):,} labelled records ({len(set(truth.values())):,} organisations)",
        "",
        "| matcher | precision | recall | F1 | clusters with two valid orgnr | seconds |",
        "|---|---|---|---|---|---|",
        _row("asf-registry", pairwise_scores([c.keys for c in result.clusters], truth),
             orgnr_conflicts([list(c.members) for c in result.clusters]), ours_seconds),
        _row("naive baseline (token_sort_ratio >= 90, all pairs)", pairwise_scores(baseline, truth),
             orgnr_conflicts([[by_key[k] for k in c] for c in baseline]), baseline_seconds),
        "",
    ]  # fmt: skip


def speed(sizes: Sequence[int]) -> list[str]:
    lines = [
        "### Speed (resolve only: blocking, scoring, judgements, clustering)",
        "",
        "| records | candidate pairs (blocking) | pairs scored in full | seconds | microseconds per record | F1 |",
        "|---|---|---|---|---|---|",
    ]
    for size in sizes:
        records, truth = benchmark_set(size, seed=size)
        started = time.perf_counter()
        result = resolve(records)
        seconds = time.perf_counter() - started
        f1 = pairwise_scores([c.keys for c in result.clusters], truth)["f1"]
        lines.append(
            f"| {len(records):,} | {result.candidate_count:,} | {len(result.scores):,} | {seconds:.1f} | "
            f"{seconds / len(records) * 1e6:.0f} | {f1:.4f} |"
        )
    return [*lines, ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quality-size", type=int, default=10_000)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--write", action="store_true", help=f"also write {OUTPUT}")
    args = parser.parse_args()
    lines = ["## Entity resolution", "", *quality(args.quality_size), *speed(args.sizes)]
    text = "\n".join(lines)
    print(text)
    if args.write:
        OUTPUT.parent.mkdir(parents=True, exist_ok=True)
        OUTPUT.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
