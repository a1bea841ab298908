"""The lexicon scorer on hand-written cases: slang, negation, intensifiers, emoji, English, code-mixing."""
from __future__ import annotations

import pytest

from enrichment.sentiment import score_text


@pytest.mark.parametrize(
    "text, label, language",
    [
        ("enak bgt 😍", "positive", "id"),
        ("mantaaap min", "positive", "id"),
        ("gk enak sama sekali", "negative", "id"),
        ("ga kecewa kok, mantul", "positive", "id"),
        ("pesanan blm sampe udah 3 jam", "negative", "id"),
        ("kopinya enak tapi pengirimannya lama bgt", "negative", "id"),
        ("kapan dikirim ya kak?", "neutral", "id"),
        ("love it!!", "positive", "en"),
        ("not good at all", "negative", "en"),
        ("not bad at all, actually pretty tasty", "positive", "en"),
        ("the coffee was cold and the delivery was late", "negative", "en"),
        ("what time do you open on sunday?", "neutral", "en"),
        ("worth it bgt, fast respon", "positive", "id"),
        ("the app is so slow :(", "negative", "en"),
    ],
)
def test_hand_written_cases(text, label, language):
    """GIVEN a hand-labelled message
    WHEN it is scored
    THEN the label and the detected language are the expected ones."""
    result = score_text(text)
    assert (result.label, result.language) == (label, language)


def test_negation_flips_and_scope_ends_at_punctuation():
    """GIVEN a sentiment word, its negation, and a negation closed by a comma
    WHEN scored
    THEN negation flips the sign, and does not reach past the comma."""
    assert score_text("enak").score > 0 > score_text("tidak enak").score
    assert score_text("good").score > 0 > score_text("never good").score
    assert score_text("rasanya ga berubah, tetep enak").label == "positive"


def test_intensifiers_and_elongation_strengthen():
    """GIVEN a word alone, intensified (before or after) and elongated
    WHEN scored
    THEN each variant scores higher than the bare word."""
    base = score_text("enak").score
    assert score_text("enak banget").score > base
    assert score_text("sangat enak").score > base
    assert score_text("enaaak").score > base
    assert score_text("very good").score > score_text("good").score


def test_emoji_alone_carry_sentiment():
    """GIVEN messages that are only emoji or emoticons
    WHEN scored
    THEN they are labelled by the emoji."""
    assert score_text("😍😍").label == "positive"
    assert score_text("😡").label == "negative"
    assert score_text(":(").label == "negative"


def test_scores_are_bounded_and_deterministic():
    """GIVEN extreme, empty and repeated inputs
    WHEN scored
    THEN scores stay in [-1, 1], empty text is neutral, and the same text gives the same result."""
    assert -1 <= score_text("kecewa " * 200).score <= 1
    assert score_text("").label == "neutral" and score_text(None).score == 0.0
    assert score_text("mantul bgt") == score_text("mantul bgt")


def test_complaint_needs_negative_and_service_intent():
    """GIVEN a negative message about delivery, a negative taste remark, and a positive delivery remark
    WHEN scored
    THEN only the negative one with a service-intent keyword is a complaint (METRICS S3)."""
    assert score_text("pesanan saya belum sampai, kecewa").is_complaint_text
    assert not score_text("I hate mondays").is_complaint_text
    assert not score_text("delivery was super fast, thanks").is_complaint_text
