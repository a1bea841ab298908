"""The evaluation metrics, and the scorer's floor on the project's labelled sets."""
from __future__ import annotations

import pytest

from enrichment.sentiment.evaluate import evaluate, labelled_messages
from enrichment.sentiment.metrics import accuracy, macro_f1, per_label_f1

# lexicon-2.0 measured: labelled id 0.981, en 0.987; former held-out id 0.980, en 0.980;
# dev_extra id 0.967, en 0.979; blind v2 id 0.884, en 0.934.
# linear-3.0 measured: labelled and former held-out 1.000 (the linear layer is trained on
# them, evaluate.PROJECT_TRAIN_SETS: their floors only guard against a broken model file);
# dev_extra id 0.975, en 0.967 and blind v2 id 0.926, en 0.950 (neither trained on: these
# are the floors that say how the scorer reads the project's kind of text). The floors leave
# a margin for retraining (the former held-out set is small: one message is ~2 points).
MACRO_F1_FLOOR = {
    "labelled_messages.csv": {"id": 0.95, "en": 0.95},
    "heldout_messages.csv": {"id": 0.90, "en": 0.90},
    "dev_extra_messages.csv": {"id": 0.94, "en": 0.94},
    # The blind set v2, measured once after lexicon-2.0 was finished and once after
    # linear-3.0. A regression guard only: it is not to be tuned on (see evaluation/README.md).
    "heldout_v2_messages.csv": {"id": 0.88, "en": 0.92},
}


def test_f1_on_a_hand_computed_confusion():
    """GIVEN truth [pos, pos, neu, neg, neg, neg] and predictions [pos, neu, neu, neg, neg, pos]
    WHEN the metrics are computed
    THEN pos: TP1 FP1 FN1 -> 0.5; neu: TP1 FP1 FN0 -> 2/3; neg: TP2 FP0 FN1 -> 0.8;
    macro = (0.5 + 2/3 + 0.8) / 3; accuracy 4/6."""
    truth = ["positive", "positive", "neutral", "negative", "negative", "negative"]
    pred = ["positive", "neutral", "neutral", "negative", "negative", "positive"]
    f1 = per_label_f1(truth, pred)
    assert f1 == pytest.approx({"positive": 0.5, "neutral": 2 / 3, "negative": 0.8})
    assert macro_f1(truth, pred) == pytest.approx((0.5 + 2 / 3 + 0.8) / 3)
    assert accuracy(truth, pred) == pytest.approx(4 / 6)


def test_f1_of_an_absent_label_is_zero_and_perfect_is_one():
    """GIVEN a label never true nor predicted, and a perfect prediction
    WHEN F1 is computed
    THEN the absent label counts 0, a perfect run gives macro-F1 1 over the present labels."""
    assert per_label_f1(["positive"], ["positive"])["neutral"] == 0.0
    assert macro_f1(["a", "b"], ["a", "b"], labels=("a", "b")) == 1.0


def test_labelled_set_is_big_and_balanced_enough():
    """GIVEN the labelled set
    WHEN counted
    THEN each language has at least 300 messages and every label at least a quarter of them."""
    rows = labelled_messages()
    for language in ("id", "en"):
        subset = [r for r in rows if r["language"] == language]
        assert len(subset) >= 300
        for label in ("positive", "neutral", "negative"):
            assert sum(r["label"] == label for r in subset) >= len(subset) / 4


@pytest.mark.parametrize("name", sorted(MACRO_F1_FLOOR))
def test_macro_f1_floor_per_language(name):
    """GIVEN the scorer and one of the labelled development sets
    WHEN evaluated
    THEN macro-F1 per language is at least the measured value minus a margin."""
    results = evaluate(name)
    for language, floor in MACRO_F1_FLOOR[name].items():
        assert results[language].macro_f1 >= floor, (name, language, results[language].macro_f1)
