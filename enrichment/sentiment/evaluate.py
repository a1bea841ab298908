"""Measure the scorer on the project's labelled sets: ``python -m enrichment.sentiment.evaluate``.

Three hand-written development sets (evaluation/README.md), all of which the lexicons and
rules have been revised against, so their figures are optimistic: ``labelled_messages.csv``
(>= 300 messages per language), ``heldout_messages.csv`` (the former blind check, development
data since lexicon-1.1) and ``dev_extra_messages.csv`` (written for lexicon-2.0); and the blind
set ``heldout_v2_messages.csv``, whose figures are the ones to quote. Prints, per
set and language, the message count, accuracy, macro-F1 and per-label F1; with ``--errors``
also every misclassified message. ``--file PATH`` measures another CSV with the same columns
(text, language, label), e.g. a new blind set.

``--public-dir DIR`` measures the public benchmark sets instead (``public.py``; the folder is
laid out as evaluation/README.md says): per language the set, split, size, macro-F1,
macro-recall, accuracy and confusion matrix. ``--split validation`` (the default) is what
tuning looks at; ``--split test`` is reported once per scorer version.
All figures are of the active scorer (``PANTAU_SENTIMENT_MODEL`` when set).

``--speed N`` prints the active scorer's messages per second over N messages taken in turn
from the project's four sets (best of three runs, one process).
"""
from __future__ import annotations

import argparse
import csv
import os
import time
from dataclasses import dataclass
from importlib import resources

from enrichment.sentiment import public
from enrichment.sentiment.metrics import LABELS, accuracy, confusion, macro_f1, macro_recall, per_label_f1
from enrichment.sentiment.scorer import score_many, scorer_identity


@dataclass(frozen=True)
class LanguageResult:
    language: str
    n: int
    accuracy: float
    macro_f1: float
    per_label: dict[str, float]
    errors: list[tuple[str, str, str]]


SETS = {
    "development": "labelled_messages.csv",
    "former held-out (development since lexicon-1.1)": "heldout_messages.csv",
    "extra development": "dev_extra_messages.csv",
    # Written without sight of the scorer and measured once after lexicon-2.0: the figures to quote.
    "blind v2 (never tuned on)": "heldout_v2_messages.csv",
}
# The sets the linear layer is trained on (train.py). dev_extra and the blind v2 set are
# not, so that their figures still say how the scorer reads the project's kind of text.
PROJECT_TRAIN_SETS = ("labelled_messages.csv", "heldout_messages.csv")


@dataclass(frozen=True)
class PublicResult:
    set_name: str
    split: str
    language: str
    n: int
    macro_f1: float
    macro_recall: float
    accuracy: float
    confusion: dict[str, dict[str, int]]


def labelled_messages(name: str = "labelled_messages.csv") -> list[dict[str, str]]:
    """The rows of a set in ``evaluation/``, or of any CSV file when ``name`` is a path."""
    if os.sep in name or "/" in name:
        with open(name, encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))
    path = resources.files("enrichment.sentiment.evaluation").joinpath(name)
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def evaluate(name: str = "labelled_messages.csv") -> dict[str, LanguageResult]:
    rows = labelled_messages(name)
    results = {}
    for language in sorted({r["language"] for r in rows}):
        subset = [r for r in rows if r["language"] == language]
        truth = [r["label"] for r in subset]
        predicted = [r.label for r in score_many(r["text"] for r in subset)]
        errors = [(r["text"], t, p) for r, t, p in zip(subset, truth, predicted) if t != p]
        results[language] = LanguageResult(
            language, len(subset), accuracy(truth, predicted), macro_f1(truth, predicted),
            per_label_f1(truth, predicted), errors,
        )
    return results


def evaluate_public(root: str, split: str) -> list[PublicResult]:
    results = []
    for s in public.load(root, split):
        truth = [label for _, label in s.rows]
        predicted = [r.label for r in score_many(text for text, _ in s.rows)]
        results.append(PublicResult(
            s.set_name, s.split, s.language, len(s.rows), macro_f1(truth, predicted),
            macro_recall(truth, predicted), accuracy(truth, predicted), confusion(truth, predicted),
        ))
    return results


def print_public(root: str, split: str) -> None:
    print(f"scorer {scorer_identity()} on the public {split} splits in {root}")
    for res in evaluate_public(root, split):
        print(f"  {res.language}: {res.set_name}, split {res.split}, n={res.n}  macro-F1={res.macro_f1:.3f}  "
              f"macro-recall={res.macro_recall:.3f}  accuracy={res.accuracy:.3f}")
        print("      " + "true | predicted".rjust(18) + "".join(f"{label:>10}" for label in LABELS))
        for label in LABELS:
            print(f"      {label:>18}" + "".join(f"{res.confusion[label][p]:>10}" for p in LABELS))


def speed(n: int, runs: int = 3) -> float:
    """Messages per second of the active scorer, best of ``runs``."""
    pool = [r["text"] for name in SETS.values() for r in labelled_messages(name)]
    texts = [pool[i % len(pool)] for i in range(n)]
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        score_many(texts)
        best = min(best, time.perf_counter() - started)
    return n / best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list misclassified messages")
    parser.add_argument("--file", help="measure this CSV (text, language, label) instead of the project's sets")
    parser.add_argument("--public-dir", help="measure the public benchmark sets in this folder (public.py)")
    parser.add_argument("--split", choices=("validation", "test"), default="validation",
                        help="public split to measure (test: once, when tuning is finished)")
    parser.add_argument("--speed", type=int, metavar="N", help="print messages/s of the active scorer over N messages")
    args = parser.parse_args(argv)
    if args.speed:
        print(f"scorer {scorer_identity()}: {speed(args.speed):,.0f} messages/s over {args.speed:,} messages (best of 3)")
        return
    if args.public_dir:
        print_public(args.public_dir, args.split)
        return
    sets = {"given": args.file} if args.file else SETS
    for set_name, file_name in sets.items():
        where = file_name if args.file else f"enrichment/sentiment/evaluation/{file_name}"
        print(f"scorer {scorer_identity()} on the {set_name} set, {where}")
        for res in evaluate(file_name).values():
            f1s = "  ".join(f"F1[{label}]={res.per_label[label]:.3f}" for label in LABELS)
            print(f"  {res.language}: n={res.n}  accuracy={res.accuracy:.3f}  macro-F1={res.macro_f1:.3f}  {f1s}")
            if args.errors:
                for text, truth, pred in res.errors:
                    print(f"      {truth:>8} -> {pred:<8} {text}")


if __name__ == "__main__":
    main()
