"""The built-in scorer (lexicon rules + linear layer) on hand-written cases: slang, negation, intensifiers, emoji, English, code-mixing."""
from __future__ import annotations

import pytest

from enrichment.sentiment import score_text
from enrichment.sentiment.scorer import lexicon_score


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
    WHEN scored by the lexicon (the rules' own score; since linear-3.0 the final score is the
    linear layer's P(positive) - P(negative), which saturates near 1 for "enak" alone)
    THEN each variant scores higher than the bare word, and every variant is positive in
    the final label."""
    def lexical(text):
        return lexicon_score(text)[0].score

    base = lexical("enak")
    assert lexical("enak banget") > base
    assert lexical("sangat enak") > base
    assert lexical("enaaak") > base
    assert lexical("very good") > lexical("good")
    for text in ("enak", "enak banget", "sangat enak", "enaaak", "good", "very good"):
        assert score_text(text).label == "positive"


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


@pytest.mark.parametrize(
    "text",
    [
        "the app won't open",
        "my order hasn't arrived yet",
        "still didn't receive my refund",
        "payment doesn't go through",
        "they renewed my plan without any notice",
        "nobody answered my emails",
        "refundnya belum diproses",
        "aplikasinya tidak berfungsi",
        "udah 3 hari kurir ga bisa dihubungi",
    ],
)
def test_a_negated_expected_word_is_a_failure(text):
    """GIVEN a report that something did not work, arrive, reply or get processed, written
    with a verb that carries no sentiment of its own
    WHEN scored
    THEN it is negative (the negation of an expected word is a failure)."""
    assert score_text(text).label == "negative"


def test_negation_reaches_the_predicate_not_the_verb():
    """GIVEN negations whose scope holds a sentiment word after an expected verb, or passes
    over articles, or is undone by 'enough'
    WHEN scored
    THEN the sentiment word is what is negated."""
    assert score_text("this coffee never gets old").label == "positive"
    assert score_text("never had a single problem with them").label == "positive"
    assert score_text("can't recommend them enough").label == "positive"
    assert score_text("not good enough").label == "negative"
    assert score_text("didn't expect it to be this good").label == "positive"
    assert score_text("ga usah dikirim, saya ambil sendiri").label == "neutral"


@pytest.mark.parametrize(
    "text, label",
    [
        ("the coffee is great but delivery was late again", "negative"),
        ("great coffee though delivery was slow", "negative"),
        ("a bit pricey but totally worth it", "positive"),
        ("although it arrived late, the coffee was amazing", "positive"),
        ("walaupun agak mahal, rasanya enak bgt", "positive"),
        ("enak sih tapi kemahalan", "negative"),
        ("voucher saya ditolak padahal masih berlaku", "negative"),
    ],
)
def test_contrast_and_concession(text, label):
    """GIVEN a clause after 'but'/'tapi' (it decides) or a concessive clause opened by
    'although'/'walaupun'/'padahal' (it counts half)
    WHEN scored
    THEN the main clause decides the label."""
    assert score_text(text).label == label


@pytest.mark.parametrize(
    "text, label",
    [
        ("👍", "positive"),
        ("❤️❤️❤️", "positive"),
        ("🙌", "positive"),
        ("💔", "negative"),
        ("😤😤😤", "negative"),
        ("👎", "negative"),
        (":((", "negative"),
    ],
)
def test_emoji_only_messages(text, label):
    """GIVEN a message made only of emoji or emoticons (skin tones, variation selectors and
    repeated emoticon mouths included)
    WHEN scored
    THEN the emoji decide the label."""
    assert score_text(text).label == label


@pytest.mark.parametrize(
    "text, label",
    [
        ("kecewa sih, the delivery was so late", "negative"),
        ("got charged twice, tolong refund", "negative"),
        ("pesanan udah sampe, thank you so much!", "positive"),
        ("love banget sama varian baru ini", "positive"),
        ("the app error terus, ga bisa login", "negative"),
        ("kak, do you ship to bandung?", "neutral"),
    ],
)
def test_code_mixed_messages(text, label):
    """GIVEN Indonesian-English code-mixed messages
    WHEN scored
    THEN words of both lexicons count together."""
    assert score_text(text).label == label


@pytest.mark.parametrize(
    "text, label",
    [
        ("got charged twice for one order", "negative"),
        ("the app keeps crashing", "negative"),
        ("still waiting for my refund", "negative"),
        ("never again", "negative"),
        ("hands down the best latte", "positive"),
        ("no complaints at all", "positive"),
        ("it took almost two hours to arrive", "negative"),
        ("it took only ten minutes to arrive, great", "positive"),
        ("way too sweet", "negative"),
        ("not too sweet, perfect", "positive"),
        ("terlalu manis", "negative"),
        ("terima kasih banyak kak", "positive"),
        ("I don’t like the new cups", "negative"),
        ("the staff were unhelpful", "negative"),
        ("the new cups are way nicer", "positive"),
    ],
)
def test_phrases_inflections_excess_and_waiting(text, label):
    """GIVEN everyday phrases of failure and praise, inflected and prefixed words, curly
    apostrophes, 'too' + a neutral word and waiting durations
    WHEN scored
    THEN each gets the expected label."""
    assert score_text(text).label == label


@pytest.mark.parametrize(
    "text, label",
    [
        ("is the matcha good?", "neutral"),
        ("can I get a refund if I cancel?", "neutral"),
        ("is it too late to order for tomorrow?", "neutral"),
        ("why is my order always late?", "negative"),
        ("where is my order??", "negative"),
        ("my order is 2 hours late, where is it?", "negative"),
    ],
)
def test_questions(text, label):
    """GIVEN plain questions (they count a quarter), a why-question and an exasperated one
    WHEN scored
    THEN asking is neutral, complaining in question form is negative."""
    assert score_text(text).label == label


def test_complaint_flag_sees_service_words_inside_phrases():
    """GIVEN a billing complaint whose service word is part of a phrase ("charged twice")
    WHEN scored
    THEN it is still a complaint (METRICS S3)."""
    assert score_text("I was charged twice this month").is_complaint_text


def test_lexicon_files_are_consistent():
    """GIVEN the lexicon files
    WHEN loaded
    THEN every phrase named as a negator or an expected word ("used_to", "go_through")
    exists in phrases.tsv, and no phrase word is left unnormalised against its message form."""
    from enrichment.sentiment.scorer import lexicon

    lex = lexicon()
    phrase_tokens = {token for options in lex.phrases.values() for _, token in options}
    for group in (lex.negators, lex.expected):
        assert {w for w in group if "_" in w} <= phrase_tokens
    assert score_text("couldn't be happier").label == "positive"  # "happier" -> "happy" in both
