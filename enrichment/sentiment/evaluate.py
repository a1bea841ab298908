"""Measure the scorer on the project's labelled set: ``python -m enrichment.sentiment.evaluate``.

Prints, per language, the message count, accuracy, macro-F1 and per-label F1; with
``--errors`` also every misclassified message.
"""
from __future__ import annotations

import argparse
import csv
from dataclasses import dataclass
from importlib import resources

from enrichment.sentiment.metrics import LABELS, accuracy, macro_f1, per_label_f1
from enrichment.sentiment.scorer import SCORER_VERSION, score_text


@dataclass(frozen=True)
class LanguageResult:
    language: str
    n: int
    accuracy: float
    macro_f1: float
    per_label: dict[str, float]
    errors: list[tuple[str, str, str]]


def labelled_messages() -> list[dict[str, str]]:
    path = resources.files("enrichment.sentiment.evaluation").joinpath("labelled_messages.csv")
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def evaluate() -> dict[str, LanguageResult]:
    rows = labelled_messages()
    results = {}
    for language in sorted({r["language"] for r in rows}):
        subset = [r for r in rows if r["language"] == language]
        truth = [r["label"] for r in subset]
        predicted = [score_text(r["text"]).label for r in subset]
        errors = [(r["text"], t, p) for r, t, p in zip(subset, truth, predicted) if t != p]
        results[language] = LanguageResult(
            language, len(subset), accuracy(truth, predicted), macro_f1(truth, predicted),
            per_label_f1(truth, predicted), errors,
        )
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list misclassified messages")
    args = parser.parse_args(argv)
    print(f"scorer {SCORER_VERSION} on enrichment/sentiment/evaluation/labelled_messages.csv")
    for res in evaluate().values():
        f1s = "  ".join(f"F1[{label}]={res.per_label[label]:.3f}" for label in LABELS)
        print(f"{res.language}: n={res.n}  accuracy={res.accuracy:.3f}  macro-F1={res.macro_f1:.3f}  {f1s}")
        if args.errors:
            for text, truth, pred in res.errors:
                print(f"    {truth:>8} -> {pred:<8} {text}")


if __name__ == "__main__":
    main()
