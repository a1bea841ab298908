"""The lexicon scorer.

Steps per message: lower-case; emoji and emoticons scored and removed; tokens; each token
normalised (elongations "mantaaap" -> "mantap", reduplication "enak2" -> "enak", suffixes
-nya/-lah/-kah, slang "bgt" -> "banget", "gk" -> "tidak"); then a left-to-right pass where
a negator (tidak, bukan, belum, jangan, not, never, no, ...) flips the next sentiment word
within three tokens, intensifiers strengthen (sangat enak, enak banget, very good) and
diminishers soften (agak mahal), a contrast word (tapi, but) makes the clause after it
count double the one before. The sum is squashed into [-1, 1] with s / sqrt(s^2 + 6).
Punctuation (, . ; ! ?) ends a negation's scope. Multi-word expressions (phrases.tsv:
"belum sampai", "no reply", "ga ada obat") are read as one token first. Labels: positive
above +0.25, negative below -0.25, neutral between.

Bump SCORER_VERSION whenever a lexicon or a rule changes: the Dagster asset rescores
every message whose stored version differs.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable

from enrichment.sentiment.language import detect_language

SCORER_VERSION = "lexicon-1.1"
THRESHOLD = 0.25
_ALPHA = 6.0
_NEGATION_SCOPE = 3
_NEGATION_FACTOR = -0.75

_TOKEN = re.compile(r"[a-z0-9']+|[,.;!?]")
_BOUNDARY = frozenset(",.;!?")
_EMOTICON = re.compile(r"(?:(?<=\s)|^)(>:\(|:'\(|:-?\)|:-?d|:-?\(|:-?/|=\)|;\)|\^_?\^|<3|-_-)(?=\s|$|[.,!?])")
_ELONGATED = re.compile(r"([a-z])\1{2,}")
_DOUBLED = re.compile(r"([a-z])\1+")


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
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for phrase, weight in _read("phrases.tsv"):
        words = tuple(phrase.split())
        token = "_".join(words)
        phrases.setdefault(words[0], []).append((words, token))
        weights[token] = float(weight)
    for options in phrases.values():
        options.sort(key=lambda o: -len(o[0]))
    english_slang = {"thx", "tq", "tks", "ok", "okay", "oke", "w", "g", "so"}
    return Lexicon(
        weights=weights,
        slang=slang,
        negators=frozenset(w for (w,) in _read("negators.txt")),
        pre=pre,
        post=post,
        diminishers={w: float(m) for w, m in _read("diminishers.tsv")},
        contrast=frozenset(w for (w,) in _read("contrast.txt")),
        emoji=emoji,
        emoticons=emoticons,
        service=frozenset(w for (w,) in _read("service_intent.txt")),
        slang_keys=frozenset(k for k in slang if k not in english_slang),
        phrases=phrases,
    )


def _normalise(token: str, lex: Lexicon) -> tuple[tuple[str, ...], bool]:
    """The standard form(s) of a token and whether it was elongated."""
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
    if base.isalpha() and len(base) > 4:  # English inflections: loves, leaked, cracking
        for suffix, add in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e")):
            if base.endswith(suffix) and base[: -len(suffix)] + add in lex.weights:
                candidates.append(base[: -len(suffix)] + add)
    if base.startswith("se") and base[2:] in lex.weights:
        candidates.append(base[2:])  # seenak, sebagus: "as good as"
    for cand in candidates:
        if cand in lex.slang:
            return lex.slang[cand], elongated
        if cand in lex.weights or cand in lex.negators or cand in lex.pre or cand in lex.post or cand in lex.service:
            return (cand,), elongated
    return (base,), False


def score_text(text: str | None) -> Sentiment:
    lex = lexicon()
    if not text or not text.strip():
        return Sentiment("neutral", 0.0, "id", False)
    lowered = text.lower()
    extra = 0.0
    if not lowered.isascii():
        for ch in lowered:
            w = lex.emoji.get(ch)
            if w is not None:
                extra += w
    if ":" in lowered or "^" in lowered or "<3" in lowered or "=)" in lowered or "-_-" in lowered or ";)" in lowered:
        for m in _EMOTICON.finditer(lowered):
            extra += lex.emoticons.get(m.group(1), 0.0)
    raw = _TOKEN.findall(lowered)
    language = detect_language([t for t in raw if t not in _BOUNDARY], lex.slang_keys)

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

    weights, negators, pre, post, dimin = lex.weights, lex.negators, lex.pre, lex.post, lex.diminishers
    before = after = 0.0
    in_after = False
    negate_left = 0
    negator_fallback = 0.0
    multiplier = 1.0
    last_index = -10
    last_value = 0.0
    has_service = False
    service = lex.service
    for i, tok in enumerate(tokens):
        if tok in service:
            has_service = True
        if tok in _BOUNDARY:
            if negate_left and negator_fallback:
                if in_after:
                    after += negator_fallback
                else:
                    before += negator_fallback
            negate_left, negator_fallback, multiplier = 0, 0.0, 1.0
            continue
        if tok in lex.contrast:
            in_after = True
            before, after = before + after, 0.0
            negate_left, multiplier = 0, 1.0
            continue
        if tok in post and last_index == i - 1:
            bonus = last_value * (post[tok] - 1.0)
            if in_after:
                after += bonus
            else:
                before += bonus
            last_value += bonus
            last_index = i
            continue
        if tok in negators:
            negate_left = _NEGATION_SCOPE
            negator_fallback = weights.get(tok, 0.0)
            continue
        if tok in pre:
            multiplier *= pre[tok]
            continue
        if tok in dimin and tok not in weights:
            multiplier *= dimin[tok]
            continue
        w = weights.get(tok)
        if w is None:
            if negate_left:
                negate_left -= 1
                if not negate_left and negator_fallback:
                    value = negator_fallback
                    if in_after:
                        after += value
                    else:
                        before += value
                    negator_fallback = 0.0
            continue
        value = w * multiplier
        if elong[i]:
            value *= 1.3
        if negate_left:
            value *= _NEGATION_FACTOR
            negate_left = 0
            negator_fallback = 0.0
        multiplier = 1.0
        if in_after:
            after += value
        else:
            before += value
        last_index, last_value = i, value
    if negate_left and negator_fallback:
        if in_after:
            after += negator_fallback
        else:
            before += negator_fallback
    total = (0.5 * before + 1.5 * after if in_after and after else before + after) + extra
    if "!" in lowered and total:
        total *= 1.1
    score = total / math.sqrt(total * total + _ALPHA)
    score = round(max(-1.0, min(1.0, score)), 4)
    label = "positive" if score > THRESHOLD else "negative" if score < -THRESHOLD else "neutral"
    return Sentiment(label, score, language, label == "negative" and has_service)


def score_many(texts: Iterable[str | None]) -> list[Sentiment]:
    return [score_text(t) for t in texts]
