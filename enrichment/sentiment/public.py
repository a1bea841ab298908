"""Public human-labelled benchmark sets, read from a local folder (never downloaded here,
never committed; evaluation/README.md says how to lay the folder out):

- ``smsa/{train,valid,test}_preprocess.tsv`` — SmSA, Indonesian reviews and comments
  (IndoNLU, Apache-2.0): ``text<TAB>label``.
- ``tweeteval/{val,test}_{text,labels}.txt`` — TweetEval sentiment (SemEval-2017 Task 4A
  English tweets): one tweet / one label per line, labels 0 negative, 1 neutral, 2 positive.
- ``semeval2017/*.tsv`` — the SemEval-2013..2016 Task 4A English tweets that SemEval-2017
  released as its training data: ``id<TAB>label<TAB>text``. TweetEval's train and validation
  splits were drawn from them; the English training split here is all of them less every
  tweet of TweetEval's validation and test splits (TweetEval's own train text file was not
  available to the project).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from enrichment.sentiment.linear import LABELS

_TWEETEVAL_LABELS = {"0": "negative", "1": "neutral", "2": "positive"}


@dataclass(frozen=True)
class PublicSplit:
    set_name: str
    split: str
    language: str
    rows: list[tuple[str, str]]  # (text, label)


def _smsa(root: Path, split: str) -> list[tuple[str, str]]:
    rows = []
    path = root / "smsa" / f"{split}_preprocess.tsv"
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        text, _, label = line.rpartition("\t")
        if label not in LABELS:
            raise ValueError(f"{path}:{n}: label {label!r} is not one of {LABELS}")
        rows.append((text, label))
    return rows


def _tweeteval(root: Path, split: str) -> list[tuple[str, str]]:
    folder = root / "tweeteval"
    texts = (folder / f"{split}_text.txt").read_text(encoding="utf-8").split("\n")
    labels = (folder / f"{split}_labels.txt").read_text(encoding="utf-8").split()
    if texts and texts[-1] == "":
        texts.pop()
    if len(texts) != len(labels):
        raise ValueError(f"{folder}: {split} has {len(texts)} texts and {len(labels)} labels")
    return [(t, _TWEETEVAL_LABELS[label]) for t, label in zip(texts, labels)]


def tweet_key(text: str) -> str:
    """A tweet's text as both releases can be compared: TweetEval writes mentions as @user
    and drops some links; escapes and spacing differ."""
    t = text.replace("\\u2019", "'").replace("\\u002c", ",").lower()
    t = re.sub(r"https?://\S+", "", re.sub(r"@\w+", "@user", t))
    return re.sub(r"\W+", " ", t).strip()


def _semeval_train(root: Path) -> list[tuple[str, str]]:
    """SemEval-2013..2016 tweets, by tweet id once, text once, less TweetEval val and test."""
    held_out = {tweet_key(t) for split in ("val", "test") for t, _ in _tweeteval(root, split)}
    by_id: dict[str, tuple[str, str]] = {}
    files = sorted((root / "semeval2017").glob("*.tsv"))
    if not files:
        raise FileNotFoundError(f"no SemEval *.tsv file in {root / 'semeval2017'}")
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) < 3 or parts[1] not in LABELS or parts[2] in ("", "Not Available"):
                continue  # tweets deleted before they were downloaded
            by_id.setdefault(parts[0], (parts[2], parts[1]))
    rows, seen = [], set()
    for tweet_id in sorted(by_id):
        text, label = by_id[tweet_id]
        key = tweet_key(text)
        if key in held_out or key in seen:
            continue
        seen.add(key)
        rows.append((text, label))
    return rows


def load(root: str | Path, split: str) -> list[PublicSplit]:
    """The Indonesian and English sets of one split: 'train', 'validation' or 'test'."""
    root = Path(root)
    if split == "train":
        return [PublicSplit("SmSA (IndoNLU)", "train", "id", _smsa(root, "train")),
                PublicSplit("SemEval-2013..2016 Task 4A less TweetEval val/test", "train", "en", _semeval_train(root))]
    if split == "validation":
        return [PublicSplit("SmSA (IndoNLU)", "valid", "id", _smsa(root, "valid")),
                PublicSplit("TweetEval sentiment (SemEval-2017 Task 4A)", "val", "en", _tweeteval(root, "val"))]
    if split == "test":
        return [PublicSplit("SmSA (IndoNLU)", "test", "id", _smsa(root, "test")),
                PublicSplit("TweetEval sentiment (SemEval-2017 Task 4A)", "test", "en", _tweeteval(root, "test"))]
    raise ValueError(f"split must be train, validation or test, not {split!r}")
