"""Name-pair benchmark: the matching model on Swedish organisation-name pairs it was not built from.

Run on purpose:  .venv/bin/python -m benchmarks.name_pairs [--anchor-python /tmp/nk/bin/python] [--write]

Two labelled sets, both written the way lists, member pages and the register write names, each pair tagged
with the phenomenon it tests, composed by hand apart from the matcher's code:
- benchmarks/data/swedish_name_pairs.csv (529 pairs): the development set; its errors were read while the
  model was improved;
- benchmarks/data/swedish_name_pairs_holdout.csv (360 pairs), written later by someone who read neither the
  matcher nor the first set: only the errors of its odd-numbered half were read, the even-numbered half never.
Each pair goes through `asf-registry compare`'s code path (registry/tools/compare.py: the nightly run's
model and thresholds) and a pair counts as joined when the decision is ``match``. In the same run: rapidfuzz
baselines on the names as written (lower-cased), at a fixed threshold of 90 and at the threshold that is
best for each on that very set (an optimistic baseline), and, with ``--anchor-python``, nomenklatura's
matcher run by that interpreter (a virtualenv with ``pip install nomenklatura``: it is not a dependency of
the project).
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from rapidfuzz import fuzz

from registry.reference.names import normalise_name
from registry.tools.compare import compare

DATA = Path(__file__).resolve().parent / "data" / "swedish_name_pairs.csv"
HOLDOUT = Path(__file__).resolve().parent / "data" / "swedish_name_pairs_holdout.csv"
OUTPUT = Path(__file__).resolve().parents[1] / "docs" / "benchmarks" / "name_pairs.md"

# Scores a pair of names 0-100 as written, lower-cased.
BASELINES: dict[str, Callable[[str, str], float]] = {
    "rapidfuzz ratio": fuzz.ratio,
    "rapidfuzz token_sort_ratio": fuzz.token_sort_ratio,
    "rapidfuzz token_set_ratio": fuzz.token_set_ratio,
    "rapidfuzz WRatio": fuzz.WRatio,
}

_ANCHOR = """
import json, sys
from followthemoney import model
from nomenklatura.matching import get_algorithm
algorithm = get_algorithm(sys.argv[1])
config = algorithm.default_config() if hasattr(algorithm, "default_config") else {}
def entity(i, name, address):
    e = model.make_entity("Company")
    e.id = i
    e.add("name", name)
    e.add("country", "se")
    if address:
        e.add("address", address)
    return e
scores = []
for pair in json.load(sys.stdin):
    a = entity("a", pair["name1"], pair.get("address1"))
    b = entity("b", pair["name2"], pair.get("address2"))
    result = algorithm.compare(a, b, config) if config is not None else algorithm.compare(a, b)
    scores.append(result.score)
print(json.dumps(scores))
"""


# Legal forms as lists write them, each on the name "Macken" or "Siemens": which of them a maintained
# org-type table removes (rigour.names.remove_org_types, with the anchor), and which ours does.
FORM_SPELLINGS = (
    "Macken ek. för.", "Macken ekonomisk förening", "Macken ek.fören", "Macken ekonomisk föening", "Macken Aktibolag",
    "Macken aktiebolaget", "Macken AB (publ)", "Macken AB (svb)", "Macken ideell förening", "Stiftelsen Macken",
    "Macken HB", "Macken Kommanditbolag", "Macken KB", "Macken förening", "Macken ekonomiska föreningen",
    "Siemens AG", "Siemens GmbH", "Siemens Oy", "Siemens A/S", "Siemens ASA", "Siemens Ltd", "Siemens Inc.",
)  # fmt: skip

_RIGOUR = """
import json, sys
import rigour.names as rn
from normality import normalize
print(json.dumps([normalize(rn.remove_org_types(name)) or "" for name in json.load(sys.stdin)]))
"""


def forms_removed(names: Sequence[str]) -> int:
    return sum(name.strip() in ("macken", "siemens") for name in names)


def read_pairs(path: Path = DATA) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def quality(predicted: Sequence[bool], truth: Sequence[bool]) -> dict[str, float]:
    tp = sum(p and t for p, t in zip(predicted, truth, strict=True))
    fp = sum(p and not t for p, t in zip(predicted, truth, strict=True))
    fn = sum(t and not p for p, t in zip(predicted, truth, strict=True))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = sum(p == t for p, t in zip(predicted, truth, strict=True)) / len(truth) if truth else 1.0
    return {"precision": precision, "recall": recall, "f1": f1, "accuracy": accuracy}


def best_threshold(scores: Sequence[float], truth: Sequence[bool]) -> tuple[float, dict[str, float]]:
    """The threshold that gives the best F1 on this set, and its figures (an optimistic baseline)."""
    best = (100.0, quality([s >= 100.0 for s in scores], truth))
    for threshold in sorted(set(scores)):
        found = quality([s >= threshold for s in scores], truth)
        if found["f1"] > best[1]["f1"]:
            best = (threshold, found)
    return best


def anchor_scores(python: str, pairs: Sequence[dict[str, str]], algorithm: str) -> list[float]:
    completed = subprocess.run(
        [python, "-c", _ANCHOR, algorithm], input=json.dumps(list(pairs)), capture_output=True, text=True,
        check=True, timeout=1800,
    )  # fmt: skip
    return [float(s) for s in json.loads(completed.stdout.strip().splitlines()[-1])]


def _row(name: str, q: dict[str, float], note: str = "") -> str:
    return f"| {name} | {q['precision']:.3f} | {q['recall']:.3f} | {q['f1']:.3f} | {q['accuracy']:.3f} | {note} |"


# The pairs' two halves of the held-out set: errors on the odd-numbered half were read while the model was
# improved a second time; the even-numbered half was never read.
_HALVES = (("odd half", 1, "errors read while improving the model"), ("even half", 0, "never read"))


def _set_lines(title: str, path: Path, pairs: list[dict[str, str]], anchor: tuple[str, str] | None,
               halves: bool, wrong_ids: bool) -> list[str]:  # fmt: skip
    """The tables for one labelled set: ours, rapidfuzz and the anchor, then by phenomenon."""
    truth = [p["label"] == "1" for p in pairs]
    compared = compare(pairs, "dedupe")
    ours = [c.decision == "match" for c in compared]
    ours_review = [c.decision in ("match", "review") for c in compared]
    lines = [
        f"## {title}",
        "",
        f"{len(pairs)} labelled pairs of Swedish organisation names ({sum(truth)} the same organisation, "
        f"{len(truth) - sum(truth)} not), `benchmarks/data/{path.name}`. A pair is joined when the "
        "decision is `match`; precision, recall and F1 are of joined pairs, accuracy of all decisions.",
        "",
        "| matcher | precision | recall | F1 | accuracy | note |",
        "|---|---|---|---|---|---|",
        _row("asf-registry (dedupe model)", quality(ours, truth), "decision = match"),
        _row("asf-registry, match or review", quality(ours_review, truth), "what a person gets to see"),
    ]
    if halves:
        for half, parity, note in _HALVES:
            members = [i for i, p in enumerate(pairs) if int(p["pair_id"].lstrip("ph")) % 2 == parity]
            lines.append(_row(f"asf-registry, {half}", quality([ours[i] for i in members],
                                                               [truth[i] for i in members]), note))  # fmt: skip
    scored: dict[str, list[float]] = {}
    for name, scorer in BASELINES.items():
        scores = [scorer(p["name1"].lower(), p["name2"].lower()) for p in pairs]
        scored[name] = scores
        lines.append(_row(f"{name} >= 90", quality([s >= 90 for s in scores], truth), "fixed threshold"))
        threshold, found = best_threshold(scores, truth)
        lines.append(_row(f"{name}, best threshold", found, f"threshold {threshold:.1f}, tuned on this set"))
    if anchor:
        python, algorithm = anchor
        scores = anchor_scores(python, pairs, algorithm)
        lines.append(_row(f"nomenklatura {algorithm} >= 0.7", quality([s >= 0.7 for s in scores], truth),
                          "its default threshold"))  # fmt: skip
        threshold, found = best_threshold(scores, truth)
        lines.append(_row(f"nomenklatura {algorithm}, best threshold", found,
                          f"threshold {threshold:.3f}, tuned on this set"))  # fmt: skip

    by_tag: dict[str, list[int]] = defaultdict(list)
    for i, pair in enumerate(pairs):
        by_tag[pair["phenomenon"]].append(i)
    reference = "rapidfuzz token_sort_ratio"
    header = "| phenomenon | pairs | same / not | asf-registry right | baseline right |"
    lines += ["", f"### {title}: by phenomenon (decisions right, ours and {reference} >= 90)", "",
              header + (" asf-registry wrong on |" if wrong_ids else ""),
              "|---|---|---|---|---|" + ("---|" if wrong_ids else "")]  # fmt: skip
    for tag in sorted(by_tag):
        members = by_tag[tag]
        same = sum(truth[i] for i in members)
        right = sum(ours[i] == truth[i] for i in members)
        baseline = sum((scored[reference][i] >= 90) == truth[i] for i in members)
        row = f"| {tag} | {len(members)} | {same} / {len(members) - same} | {right} | {baseline} |"
        if wrong_ids:
            wrong = [pairs[i]["pair_id"] for i in members if ours[i] != truth[i]]
            row += " " + ", ".join(wrong[:6]) + (" ..." if len(wrong) > 6 else "") + " |"
        lines.append(row)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--holdout", type=Path, default=HOLDOUT)
    parser.add_argument("--anchor-python", help="a Python with nomenklatura installed, for the anchor")
    parser.add_argument("--anchor-algorithm", default="logic-v1")
    parser.add_argument("--write", action="store_true", help=f"also write {OUTPUT}")
    args = parser.parse_args()

    anchor = (args.anchor_python, args.anchor_algorithm) if args.anchor_python else None
    lines = _set_lines("Name pairs", args.data, read_pairs(args.data), anchor, halves=False, wrong_ids=True)
    holdout = _set_lines("Held-out name pairs", args.holdout, read_pairs(args.holdout), anchor, halves=True,
                         wrong_ids=False)  # fmt: skip
    lines += ["", *holdout]
    if args.anchor_python:
        rigour = subprocess.run([args.anchor_python, "-c", _RIGOUR], input=json.dumps(FORM_SPELLINGS),
                                capture_output=True, text=True, check=True, timeout=600)  # fmt: skip
        removed = forms_removed(json.loads(rigour.stdout.strip().splitlines()[-1]))
        ours_removed = forms_removed([normalise_name(name) for name in FORM_SPELLINGS])
        lines += ["", f"Legal forms removed from {len(FORM_SPELLINGS)} spellings as lists write them: ours "
                  f"{ours_removed}, rigour's org-type table (`remove_org_types`) {removed}."]  # fmt: skip
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        OUTPUT.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
