"""The built-in scorer: the lexicon's rules, then a linear layer trained on public text.

``score_text`` / ``score_many`` score with a team's own model instead when
``PANTAU_SENTIMENT_MODEL`` names a local model directory (``model.py``); ``scorer_identity``
names whichever scorer is active, and is what ``store.py`` records per message.

The lexicon (``lexicon_score``, lexicon-2.0) does, per message: lower-case (curly
apostrophes straightened); emoji and emoticons scored and removed; tokens; each token normalised (elongations "mantaaap" -> "mantap",
reduplication "enak2" -> "enak", suffixes -nya/-lah/-kah, slang "bgt" -> "banget", "gk" ->
"tidak", English inflections "crashes" -> "crash", "slower" -> "slow", "terribly" ->
"terrible", "unhelpful" -> the negative of "helpful"); multi-word expressions (phrases.tsv:
"belum sampai", "charged twice", "hands down", "never again") are read as one token; then a
left-to-right pass:

- a negator (tidak, belum, tanpa, not, never, no, hasn't, without, ...) flips the next
  sentiment word within three content words (articles, possessives and auxiliaries such as
  "a", "my", "been" do not count: "never had a single problem");
- a negated *expected* word (expected.txt: work, arrive, reply, load, refund, notice;
  berfungsi, diproses, masuk, kabar) reports a failure: "won't open", "hasn't arrived",
  "without notice", "belum diproses" score -2 although "open" or "diproses" carry no
  sentiment; a negator with nothing to negate keeps its own weight ("barely", "used to");
- "can't recommend it enough" / "can't thank you enough" undo the flip;
- intensifiers strengthen (sangat enak, enak banget, very good, keeps crashing, late again)
  and diminishers soften (agak mahal, a bit pricey); "too" / "terlalu" before a word without
  sentiment is an excess, a complaint ("too sweet", "terlalu manis"; "not too sweet" flips);
- a contrast word (tapi, but, though) makes the clause after it count triple the clause
  before it (0.5 and 1.5); a concessive clause (although/despite/walaupun/padahal ... ,)
  counts half, so the main clause after its comma decides;
- a waiting time is a complaint: "took almost three hours", "it's been 3 days", "udah lewat
  2 jam", "came a week later" (but not "took only 10 minutes");
- a question ending the message ("is this good for cold brew?", "ada promo ga kak?") counts
  a quarter for its own clause, unless it is a "why"/"kenapa" question or exasperated
  ("??", "?!"): asking about a refund is not complaining about one; an exasperated
  question ("where is my order??") counts as a mild complaint.

The sum plus the emoji is squashed into [-1, 1] with s / sqrt(s^2 + 6). Punctuation
(, . ; ! ?) ends a negation's scope. Labels: positive above +0.25, negative below -0.25,
neutral between.

The linear layer (``linear.py``) then decides the label from the message's words and word
pairs together with the lexicon's label and score (which also counts once more, after the
regression: ``LEXICON_PRIOR``); the score is P(positive) - P(negative).

Bump SCORER_VERSION whenever a lexicon, a rule or the linear model changes: the Dagster
asset rescores every message whose stored version differs.
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Iterable

from enrichment.sentiment.language import detect_language
from enrichment.sentiment.linear import decide, features, shipped_model

# linear-3.0: the lexicon-2.0 rules plus the linear layer of lexicons/linear_model.tsv.gz.
SCORER_VERSION = "linear-3.0"
MODEL_ENV = "PANTAU_SENTIMENT_MODEL"
THRESHOLD = 0.25
_ALPHA = 6.0
_NEGATION_SCOPE = 3
_NEGATION_FACTOR = -0.75
_FAILURE = -2.0          # a negated expected word: "won't open", "belum diproses"
_EXCESS = -1.5           # "too" + a word without sentiment: "too sweet"
_QUESTION_FACTOR = 0.25  # a final question clause counts a quarter
_CONCESSION_FACTOR = 0.5
_EXASPERATION = -1.0     # "where is my order??", "seriously?!"

_TOKEN = re.compile(r"[a-z0-9']+|[,.;!?]")
_BOUNDARY = frozenset(",.;!?")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_EMOTICON = re.compile(
    r"(?:(?<=\s)|^)(>:\(|:'\(|:-?\)+|:-?d|:-?\(+|:-?/|:-?p|:-?\||:3|=\)|;\)|\^_?\^|<3|</3|-_-|t_t|xd)(?=\s|$|[.,!?])")
_ELONGATED = re.compile(r"([a-z])\1{2,}")
_DOUBLED = re.compile(r"([a-z])\1+")
# English inflections tried when a token is not in a lexicon: (suffix, replacement).
_EN_SUFFIXES = (
    ("iest", "y"), ("ier", "y"), ("ily", "y"), ("ies", "y"), ("ied", "y"), ("iness", "y"),
    ("ness", ""), ("bly", "ble"), ("ly", ""), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"),
    ("ing", ""), ("ing", "e"), ("est", ""), ("est", "e"), ("er", ""), ("er", "e"),
)
# Words that look inflected but are not: later is not "more late", kindly not "kind".
_NOT_INFLECTED = frozenset(("later", "latest", "lately", "kindly", "likely", "pass", "lover", "lovers"))
# Words a negation scope passes over without spending a step.
_TRANSPARENT = frozenset(
    "a an the my your our their his her its this that these those any single one even "
    "been be being ever yet at all it me us i you we to".split())
# Verbs whose negation is praise when "enough" follows: "can't recommend them enough".
_ENOUGH_VERBS = frozenset(("recommend", "thank", "thanks", "praise", "love", "appreciate"))
# Words after which "too" is "also" ("me too", "you too please"), not an excess.
_NOT_EXCESS = frozenset(
    "i me you we us they them he she it please pls lol haha and but or so the a an to ya "
    "yah kak min guys thanks thank".split())
# A question clause containing one of these is a complaint, not an enquiry.
_COMPLAINING_QUESTION = frozenset((
    "why", "kenapa", "knp", "napa", "ngapain", "masa", "how_many_times", "how_hard",
    "how_is_this_acceptable", "how_is_that_acceptable", "what's_the_point", "whats_the_point",
    "are_you_kidding", "are_you_serious"))
_EXCESS_WORDS = frozenset(("too", "terlalu"))
# Waiting: a duration after "took", "been", "sudah", "lewat" ... or before "later": "took
# almost three hours", "it's been 3 days", "udah lewat 2 jam", "came a week later".
_WAIT = -1.5
_UNITS = frozenset(
    "minute minutes min mins hour hours hr hrs day days week weeks menit jam hari minggu".split())
_FUSED_UNITS = frozenset("sejam seminggu seharian berjam berhari berminggu".split())
_QUANTITIES = frozenset(
    "a an few several couple half two three four five six seven eight nine ten twelve fifteen "
    "twenty thirty forty fifty sixty satu dua tiga empat lima enam tujuh delapan sembilan "
    "sepuluh belas puluh".split())
_WAIT_BEFORE = frozenset(
    "took taking waited waiting been after over already still sudah lewat nunggu menunggu".split())
_WAIT_AFTER = frozenset("later late lewat telat".split())
_QUICK = frozenset("only just under less within cuma hanya kurang".split())


@dataclass(frozen=True, slots=True)
class Sentiment:
    label: str
    score: float
    language: str
    is_complaint_text: bool


def _read(name: str) -> list[list[str]]:
    text = resources.files("enrichment.sentiment.lexicons").joinpath(name).read_text(encoding="utf-8")
    return [line.split("\t") if "\t" in line else line.split() for line in text.splitlines()
            if line.strip() and not line.startswith("#")]


@dataclass(frozen=True)
class Lexicon:
    weights: dict[str, float]
    slang: dict[str, tuple[str, ...]]
    negators: frozenset[str]
    pre: dict[str, float]
    post: dict[str, float]
    diminishers: dict[str, float]
    contrast: frozenset[str]
    concessive: frozenset[str]
    expected: frozenset[str]
    emoji: dict[str, float]
    emoticons: dict[str, float]
    service: frozenset[str]
    slang_keys: frozenset[str]
    phrases: dict[str, list[tuple[tuple[str, ...], str]]]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    weights: dict[str, float] = {}
    for name in ("en_sentiment.tsv", "id_sentiment.tsv"):
        for word, weight in _read(name):
            if float(weight) != 0.0:
                weights[word] = float(weight)
    slang = {k: tuple(v.split()) for k, v in _read("slang_id.tsv")}
    pre: dict[str, float] = {}
    post: dict[str, float] = {}
    for word, mult, where in _read("intensifiers.tsv"):
        if where in ("pre", "both"):
            pre[word] = float(mult)
        if where in ("post", "both"):
            post[word] = float(mult)
    emoji, emoticons = {}, {}
    for sym, weight in _read("emoji.tsv"):
        (emoji if not sym.isascii() else emoticons)[sym.lower()] = float(weight)
    english_slang = {"thx", "tq", "tks", "ok", "okay", "oke", "w", "g", "so"}
    words_only = Lexicon(
        weights=weights,
        slang=slang,
        negators=frozenset(w for (w,) in _read("negators.txt")),
        pre=pre,
        post=post,
        diminishers={w: float(m) for w, m in _read("diminishers.tsv")},
        contrast=frozenset(w for (w,) in _read("contrast.txt")),
        concessive=frozenset(w for (w,) in _read("concessive.txt")),
        expected=frozenset(w for (w,) in _read("expected.txt")),
        emoji=emoji,
        emoticons=emoticons,
        service=frozenset(w for (w,) in _read("service_intent.txt")),
        slang_keys=frozenset(k for k in slang if k not in english_slang),
        phrases={},
    )
    # Phrases are written in plain words and normalised like a message ("couldn't be
    # happier" -> couldn't be happy); the joined form ("charged_twice") is their token.
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for phrase, weight in _read("phrases.tsv"):
        words = tuple(form for w in phrase.split()
                      for form in ((w,) if w in _BOUNDARY else _normalise_uncached(w, words_only)[0]))
        token = "_".join(phrase.split())
        phrases.setdefault(words[0], []).append((words, token))
        weights[token] = float(weight)
    for options in phrases.values():
        options.sort(key=lambda o: -len(o[0]))
    _NORMALISED.clear()
    return replace(words_only, phrases=phrases)


def _known(word: str, lex: Lexicon) -> bool:
    return (word in lex.weights or word in lex.negators or word in lex.pre or word in lex.post
            or word in lex.service or word in lex.expected)


_NORMALISED: dict[str, tuple[tuple[str, ...], bool]] = {}


def _normalise(token: str, lex: Lexicon) -> tuple[tuple[str, ...], bool]:
    """The standard form(s) of a token and whether it was elongated (memoised)."""
    hit = _NORMALISED.get(token)
    if hit is None:
        if len(_NORMALISED) > 200_000:
            _NORMALISED.clear()
        hit = _NORMALISED[token] = _normalise_uncached(token, lex)
    return hit


def _normalise_uncached(token: str, lex: Lexicon) -> tuple[tuple[str, ...], bool]:
    if token in lex.slang:
        return lex.slang[token], False
    if token in lex.weights or token in lex.negators or token in lex.pre or token in lex.post:
        return (token,), False
    elongated = False
    base = token.rstrip("0123456789") if len(token) > 2 and token[-1] == "2" else token
    if base != token and base in lex.slang:
        return lex.slang[base], False
    candidates = [base]
    squeezed = _ELONGATED.sub(r"\1\1", base)
    if squeezed != base:
        elongated = True
        candidates += [squeezed, _DOUBLED.sub(r"\1", base)]
    for cand in list(candidates):
        for suffix in ("nya", "lah", "kah", "ny"):
            if cand.endswith(suffix) and len(cand) - len(suffix) >= 3:
                candidates.append(cand[: -len(suffix)])
    for cand in candidates:
        if cand in lex.slang:
            return lex.slang[cand], elongated
        if _known(cand, lex):
            return (cand,), elongated
    if base.isalpha() and len(base) > 3 and base not in _NOT_INFLECTED:
        # English inflections: loves, leaked, cracking, slower, nicest, terribly, rudeness,
        # stopped (doubled consonant), tastier.
        for cand in candidates:
            for suffix, add in _EN_SUFFIXES:
                if cand.endswith(suffix) and len(cand) - len(suffix) >= 3:
                    stem = cand[: -len(suffix)] + add
                    if _known(stem, lex):
                        return (stem,), elongated
                    if add == "" and len(stem) > 3 and stem[-1] == stem[-2] and _known(stem[:-1], lex):
                        return (stem[:-1],), elongated
        # un- / dis- before a positive word: unhelpful, unimpressed, dissatisfied.
        for prefix in ("un", "dis"):
            if base.startswith(prefix) and len(base) - len(prefix) >= 4:
                rest, _ = _normalise(base[len(prefix):], lex)
                if len(rest) == 1 and lex.weights.get(rest[0], 0.0) > 0:
                    return ("not", rest[0]), elongated
    if base.startswith("se") and base[2:] in lex.weights:
        return (base[2:],), elongated  # seenak, sebagus: "as good as"
    return (base,), False


def _tokens(raw: list[str], lex: Lexicon) -> tuple[list[str], list[bool], bool]:
    """Normalised tokens with phrases merged, their elongation flags, and whether a
    service-intent word occurs (looked up before merging: "charged twice" is about billing)."""
    tokens: list[str] = []
    elong: list[bool] = []
    for t in raw:
        if t in _BOUNDARY:
            tokens.append(t)
            elong.append(False)
            continue
        forms, was_elongated = _normalise(t, lex)
        tokens.extend(forms)
        elong.extend([was_elongated] * len(forms))
    service = lex.service
    has_service = any(t in service for t in tokens)
    phrases = lex.phrases
    if any(t in phrases for t in tokens):
        merged: list[str] = []
        merged_elong: list[bool] = []
        i = 0
        while i < len(tokens):
            for words, token in phrases.get(tokens[i], ()):
                if tuple(tokens[i:i + len(words)]) == words:
                    merged.append(token)
                    merged_elong.append(False)
                    i += len(words)
                    break
            else:
                merged.append(tokens[i])
                merged_elong.append(elong[i])
                i += 1
        tokens, elong = merged, merged_elong
    return tokens, elong, has_service


def _final_question_start(tokens: list[str]) -> int:
    """Index where the message's final question clause starts, or -1 when the message does
    not end with a plain question (a single '?', no why/kenapa)."""
    end = len(tokens) - 1
    if end < 1 or tokens[end] != "?" or tokens[end - 1] in _BOUNDARY:
        return -1
    start = end
    while start > 0 and tokens[start - 1] not in _BOUNDARY:
        start -= 1
    if any(t in _COMPLAINING_QUESTION for t in tokens[start:end]):
        return -1
    return start


def _waited(tokens: list[str], i: int) -> bool:
    """Whether the time unit at i is a complaint about waiting (see _UNITS)."""
    tok = tokens[i]
    if tok not in _FUSED_UNITS:
        prev = tokens[i - 1] if i else ""
        if not (prev.isdigit() or prev in _QUANTITIES or (prev == "for" and tok.endswith("s"))):
            return False
    window = []
    for t in reversed(tokens[max(0, i - 5):i]):
        if t in _BOUNDARY:
            break
        window.append(t)
    if any(t in _QUICK for t in window[:3]):
        return False
    return any(t in _WAIT_BEFORE for t in window) or (i + 1 < len(tokens) and tokens[i + 1] in _WAIT_AFTER)


def _predicate_follows(tokens: list[str], i: int, weights: dict[str, float], expected: frozenset[str]) -> bool:
    """Whether a sentiment word follows the expected word at i, and is what the negation is
    about: "never gets old", "doesn't get any better" (but "didn't get my refund" fails)."""
    for tok in tokens[i + 1:i + 4]:
        if tok in _TRANSPARENT:
            continue
        return tok in weights and tok not in expected and weights[tok] != 0.0
    return False


def _lexical_sum(tokens: list[str], elong: list[bool], lex: Lexicon) -> float:
    weights, negators, pre, post, dimin = lex.weights, lex.negators, lex.pre, lex.post, lex.diminishers
    expected, contrast, concessive = lex.expected, lex.contrast, lex.concessive
    before = after = 0.0
    in_after = False
    negate_left = 0
    negator_fallback = 0.0
    multiplier = 1.0
    clause_scale = 1.0
    last_index = -10
    last_value = 0.0
    negated_index = -10
    negated_word = ""
    negated_value = 0.0
    question_start = _final_question_start(tokens) if tokens and tokens[-1] == "?" else -1
    n = len(tokens)

    def add(value: float) -> None:
        nonlocal before, after
        if in_after:
            after += value
        else:
            before += value

    for i, tok in enumerate(tokens):
        if tok in _BOUNDARY:
            if negate_left and negator_fallback:
                add(negator_fallback)
            negate_left, negator_fallback, multiplier, clause_scale = 0, 0.0, 1.0, 1.0
            continue
        scale = clause_scale * (_QUESTION_FACTOR if 0 <= question_start <= i else 1.0)
        if tok in concessive:
            at_start = i == 0 or tokens[i - 1] in _BOUNDARY
            if at_start or tok not in contrast or tokens[i - 1] == "even":
                # "although it was late, ..." / "great coffee despite the delay": the
                # concession counts half until the clause ends.
                clause_scale = _CONCESSION_FACTOR
                negate_left, multiplier = 0, 1.0
                continue
        if tok in contrast:
            in_after = True
            before, after = before + after, 0.0
            negate_left, multiplier = 0, 1.0
            continue
        if tok in post and last_index == i - 1:
            bonus = last_value * (post[tok] - 1.0)
            add(bonus)
            last_value += bonus
            last_index = i
            continue
        if tok == "enough" and negated_word in _ENOUGH_VERBS and 0 < i - negated_index <= 4:
            # "can't recommend them enough": undo the flip, with some emphasis.
            add(-negated_value + negated_value / _NEGATION_FACTOR * 1.2)
            negated_word = ""
            continue
        if tok in negators:
            negate_left = _NEGATION_SCOPE
            negator_fallback = weights.get(tok, 0.0) * multiplier * scale
            multiplier = 1.0
            continue
        if tok in _EXCESS_WORDS:
            nxt = tokens[i + 1] if i + 1 < n else "."
            if not (nxt in _BOUNDARY or nxt in weights or nxt in negators or nxt in pre
                    or nxt in _NOT_EXCESS or nxt in contrast):
                value = _EXCESS * multiplier * scale
                if negate_left:
                    value *= _NEGATION_FACTOR
                    negate_left, negator_fallback = 0, 0.0
                multiplier = 1.0
                add(value)
                last_index, last_value = i + 1, value
                continue
        if tok in pre:
            multiplier *= pre[tok]
            continue
        if tok in dimin and tok not in weights:
            multiplier *= dimin[tok]
            continue
        if negate_left and tok in expected and not _predicate_follows(tokens, i, weights, expected):
            value = _FAILURE * multiplier * scale
            negate_left, negator_fallback, multiplier = 0, 0.0, 1.0
            add(value)
            last_index, last_value = i, value
            continue
        if (tok in _UNITS or tok in _FUSED_UNITS) and _waited(tokens, i):
            add(_WAIT * scale)
            continue
        w = weights.get(tok)
        if w is None:
            if negate_left and tok not in _TRANSPARENT:
                negate_left -= 1
                if not negate_left and negator_fallback:
                    add(negator_fallback)
                    negator_fallback = 0.0
            continue
        value = w * multiplier * scale
        if elong[i]:
            value *= 1.3
        if negate_left:
            value *= _NEGATION_FACTOR
            negate_left = 0
            negator_fallback = 0.0
            negated_index, negated_word, negated_value = i, tok, value
        multiplier = 1.0
        add(value)
        last_index, last_value = i, value
    if negate_left and negator_fallback:
        add(negator_fallback)
    return 0.5 * before + 1.5 * after if in_after and after else before + after


def lexicon_score(text: str | None) -> tuple[Sentiment, bool]:
    """The lexicon's verdict on a message, and whether a service-intent word occurs."""
    lex = lexicon()
    if not text or not text.strip():
        return Sentiment("neutral", 0.0, "id", False), False
    lowered = text.lower()
    extra = 0.0
    if not lowered.isascii():
        lowered = lowered.translate(_QUOTES)
        for ch in lowered:
            w = lex.emoji.get(ch)
            if w is not None:
                extra += w
    if ":" in lowered or "^" in lowered or "<" in lowered or "=)" in lowered or "_" in lowered or ";)" in lowered or "xd" in lowered:
        for m in _EMOTICON.finditer(lowered):
            face = m.group(1)
            if len(face) > 2 and face[-1] in ")(" and face[-2] == face[-1]:
                face = face.rstrip(face[-1]) + face[-1]  # ":(((" -> ":("
            extra += lex.emoticons.get(face, 0.0)
    raw = _TOKEN.findall(lowered)
    language = detect_language([t for t in raw if t not in _BOUNDARY], lex.slang_keys)
    tokens, elong, has_service = _tokens(raw, lex)
    total = _lexical_sum(tokens, elong, lex) + extra
    if "??" in lowered or "?!" in lowered or "!?" in lowered:
        total += _EXASPERATION
    if "!" in lowered and total:
        total *= 1.1
    score = total / math.sqrt(total * total + _ALPHA)
    score = round(max(-1.0, min(1.0, score)), 4)
    label = "positive" if score > THRESHOLD else "negative" if score < -THRESHOLD else "neutral"
    return Sentiment(label, score, language, label == "negative" and has_service), has_service


def builtin_score(text: str | None) -> Sentiment:
    """The lexicon's verdict refined by the linear layer; empty text stays neutral."""
    lexical, has_service = lexicon_score(text)
    if not text or not text.strip():
        return lexical
    z = shipped_model().logits(features(text, lexical.label, lexical.language), lexical.score)
    label, p = decide(z, lexical.score)
    return Sentiment(label, round(p[0] - p[2], 4), lexical.language, label == "negative" and has_service)


@lru_cache(maxsize=2)
def _local_model(path: str):
    from enrichment.sentiment.model import LocalModelScorer  # onnxruntime only when asked for

    return LocalModelScorer(path)


def active_model():
    """The team's own model named by PANTAU_SENTIMENT_MODEL, or None for the built-in scorer."""
    path = os.environ.get(MODEL_ENV, "").strip()
    return _local_model(os.path.abspath(path)) if path else None


def scorer_identity() -> str:
    """What scores now: SCORER_VERSION, or the local model's name and content hash."""
    model = active_model()
    return model.identity if model else SCORER_VERSION


def score_many(texts: Iterable[str | None]) -> list[Sentiment]:
    model = active_model()
    texts = list(texts)
    return model.score_many(texts) if model else [builtin_score(t) for t in texts]


def score_text(text: str | None) -> Sentiment:
    return score_many([text])[0]
