"""A team's own sentiment model, run locally: ``PANTAU_SENTIMENT_MODEL=/path/to/dir``.

The directory is a text-classification model exported to ONNX, as
``optimum-cli export onnx --model NAME --task text-classification DIR`` writes it:
``model.onnx``, ``tokenizer.json`` (Hugging Face ``tokenizers`` format) and ``config.json``
whose ``id2label`` names the classes. Nothing is downloaded: onnxruntime and tokenizers
read the three files. Class names are mapped to positive / neutral / negative (also
"pos"/"neu"/"neg" and review stars, "1 star" .. "5 stars"); a model with other names is
refused at load time. A message's label is the class group with the most probability, its
score P(positive) - P(negative). Language and the complaint flag come from the lexicon, as
with the built-in scorer.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from enrichment.sentiment.scorer import Sentiment, lexicon_score

_GROUPS = ("positive", "neutral", "negative")
_TIE_ORDER = ("neutral", "positive", "negative")  # equal probabilities are no opinion
_NAMES = {"positive": "positive", "pos": "positive", "neutral": "neutral", "neu": "neutral",
          "negative": "negative", "neg": "negative"}
_STARS = re.compile(r"^([1-5]) stars?$")
REQUIRED = ("model.onnx", "tokenizer.json", "config.json")


def label_group(name: str) -> str:
    """positive / neutral / negative for a model's class name; ValueError for anything else."""
    key = name.strip().lower()
    if key in _NAMES:
        return _NAMES[key]
    stars = _STARS.match(key)
    if stars:
        return ("negative", "negative", "neutral", "positive", "positive")[int(stars.group(1)) - 1]
    raise ValueError(f"model class {name!r} is not positive/neutral/negative (set id2label in config.json)")


class LocalModelScorer:
    def __init__(self, path: str | Path, batch_size: int = 32):
        import numpy as np
        import onnxruntime
        from tokenizers import Tokenizer

        self._np = np
        folder = Path(path)
        missing = [name for name in REQUIRED if not (folder / name).is_file()]
        if missing:
            raise FileNotFoundError(f"PANTAU_SENTIMENT_MODEL={folder} lacks {', '.join(missing)}")
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        id2label = config.get("id2label")
        if not id2label:
            raise ValueError(f"{folder / 'config.json'} has no id2label")
        self.groups = [label_group(id2label[str(i)]) for i in range(len(id2label))]
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        if self.tokenizer.truncation is None:
            # RoBERTa-style configs count two extra positions (514): 512 tokens still fit.
            self.tokenizer.enable_truncation(max_length=min(512, int(config.get("max_position_embeddings", 512))))
        if self.tokenizer.padding is None:
            pad_id = int(config.get("pad_token_id") or 0)
            self.tokenizer.enable_padding(pad_id=pad_id, pad_token=self.tokenizer.id_to_token(pad_id) or "[PAD]")
        self.session = onnxruntime.InferenceSession(str(folder / "model.onnx"), providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.batch_size = batch_size
        digest = hashlib.sha256()
        for name in REQUIRED:
            with open(folder / name, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    digest.update(block)
        # The stored scorer_version: another export or file content is another scorer.
        self.identity = f"model:{folder.name}:{digest.hexdigest()[:12]}"

    def probabilities(self, texts: list[str]):
        """Class probabilities (rows in input order); batches hold texts of similar length
        so that padding stays short."""
        np = self._np
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), len(self.groups)))
        for start in range(0, len(order), self.batch_size):
            idx = order[start:start + self.batch_size]
            encodings = self.tokenizer.encode_batch([texts[i] for i in idx])
            feeds = {"input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                     "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64)}
            if "token_type_ids" in self.inputs:
                feeds["token_type_ids"] = np.array([e.type_ids for e in encodings], dtype=np.int64)
            logits = self.session.run(None, {k: v for k, v in feeds.items() if k in self.inputs})[0]
            z = logits - logits.max(axis=1, keepdims=True)
            p = np.exp(z)
            out[idx] = p / p.sum(axis=1, keepdims=True)
        return out

    def score_many(self, texts: list[str | None]) -> list[Sentiment]:
        results: list[Sentiment | None] = [None] * len(texts)
        todo = []
        for i, text in enumerate(texts):
            if text and text.strip():
                todo.append(i)
            else:
                results[i] = lexicon_score(text)[0]  # empty: neutral, as the built-in scorer
        probs = self.probabilities([texts[i] for i in todo]) if todo else []
        for i, p in zip(todo, probs):
            group = {g: 0.0 for g in _GROUPS}
            for g, value in zip(self.groups, p):
                group[g] += float(value)
            label = max(_TIE_ORDER, key=group.__getitem__)
            lexical, has_service = lexicon_score(texts[i])
            results[i] = Sentiment(label, round(group["positive"] - group["negative"], 4), lexical.language,
                                   label == "negative" and has_service)
        return results
