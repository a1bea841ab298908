"""Language of a message, 'id' or 'en': the language with more marker words among its
tokens (code-mixed text gets its dominant language). Ties and texts with no marker go to
Indonesian, the brand's home market."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources


def _words(name: str) -> frozenset[str]:
    text = resources.files("enrichment.sentiment.lexicons").joinpath(name).read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() if not line.startswith("#") for w in line.split())


@lru_cache(maxsize=1)
def markers() -> tuple[frozenset[str], frozenset[str]]:
    return _words("language_id.txt"), _words("language_en.txt")


def detect_language(tokens: list[str], extra_id: frozenset[str] = frozenset()) -> str:
    """'id' or 'en' for already lower-cased tokens (raw, before slang normalisation);
    ``extra_id`` adds Indonesian words (the slang lexicon's keys)."""
    id_words, en_words = markers()
    id_words = id_words | extra_id if extra_id else id_words
    id_hits = en_hits = 0
    for t in tokens:
        if t in id_words:
            id_hits += 1
        if t in en_words:
            en_hits += 1
    return "en" if en_hits > id_hits else "id"
