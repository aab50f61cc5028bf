"""The benchmark's own yardsticks: pairwise scoring and the labelled generator."""

from __future__ import annotations

from benchmarks.entity_resolution import naive_baseline, orgnr_conflicts, pairwise_scores
from benchmarks.er_data import benchmark_set, luhn_digit
from registry.reference.orgnr import OrgnrStatus, parse_orgnr


def test_pairwise_precision_recall_f1() -> None:
    truth = {("s", "a"): 1, ("s", "b"): 1, ("s", "c"): 1, ("s", "d"): 2}
    # Predicted {a, b} and {c, d}: one true pair found of three; one of two predicted pairs is right.
    scores = pairwise_scores([[("s", "a"), ("s", "b")], [("s", "c"), ("s", "d")]], truth)
    assert (scores["precision"], round(scores["recall"], 4)) == (0.5, 0.3333)
    assert round(scores["f1"], 4) == 0.4
    perfect = pairwise_scores([[("s", "a"), ("s", "b"), ("s", "c")], [("s", "d")]], truth)
    assert perfect["f1"] == 1.0


def test_the_generator_is_deterministic_labelled_and_uses_valid_numbers() -> None:
    records, truth = benchmark_set(400, seed=3)
    again, _ = benchmark_set(400, seed=3)
    assert [r.name for r in records] == [r.name for r in again]
    assert set(truth) == {r.key for r in records}
    assert 300 < len(records) < 500 and len(set(truth.values())) < len(records)
    assert any(r.orgnr for r in records)
    assert all(parse_orgnr(r.orgnr).status is OrgnrStatus.VALID for r in records if r.orgnr)
    assert luhn_digit("556016068") == "0"


def test_the_naive_baseline_runs_and_can_merge_different_orgnr() -> None:
    records, truth = benchmark_set(300, seed=5)
    clusters = naive_baseline(records)
    assert sorted(k for c in clusters for k in c) == sorted(truth)
    by_key = {r.key: r for r in records}
    assert orgnr_conflicts([[by_key[k] for k in c] for c in clusters]) >= 0
