"""Classification metrics, computed here (no scikit-learn for three lines of arithmetic)."""
from __future__ import annotations

from typing import Sequence

LABELS = ("positive", "neutral", "negative")


def accuracy(truth: Sequence[str], predicted: Sequence[str]) -> float:
    if len(truth) != len(predicted):
        raise ValueError("truth and predicted differ in length")
    return sum(t == p for t, p in zip(truth, predicted)) / len(truth) if truth else 0.0


def per_label_f1(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = LABELS) -> dict[str, float]:
    """F1 of each label: 2·TP / (2·TP + FP + FN); 0 when the label is neither true nor predicted."""
    if len(truth) != len(predicted):
        raise ValueError("truth and predicted differ in length")
    out = {}
    for label in labels:
        tp = sum(t == label and p == label for t, p in zip(truth, predicted))
        fp = sum(t != label and p == label for t, p in zip(truth, predicted))
        fn = sum(t == label and p != label for t, p in zip(truth, predicted))
        out[label] = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return out


def macro_f1(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = LABELS) -> float:
    """Unweighted mean of the per-label F1 scores."""
    scores = per_label_f1(truth, predicted, labels)
    return sum(scores.values()) / len(scores)


def per_label_recall(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = LABELS) -> dict[str, float]:
    """Recall of each label: TP / (TP + FN); 0 when the label is never true."""
    if len(truth) != len(predicted):
        raise ValueError("truth and predicted differ in length")
    out = {}
    for label in labels:
        true = sum(t == label for t in truth)
        tp = sum(t == label and p == label for t, p in zip(truth, predicted))
        out[label] = tp / true if true else 0.0
    return out


def macro_recall(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = LABELS) -> float:
    """Unweighted mean of the per-label recalls (SemEval-2017 Task 4A's ranking measure)."""
    scores = per_label_recall(truth, predicted, labels)
    return sum(scores.values()) / len(scores)


def confusion(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = LABELS) -> dict[str, dict[str, int]]:
    """Counts by true label (outer) and predicted label (inner)."""
    if len(truth) != len(predicted):
        raise ValueError("truth and predicted differ in length")
    out = {t: {p: 0 for p in labels} for t in labels}
    for t, p in zip(truth, predicted):
        out[t][p] += 1
    return out
