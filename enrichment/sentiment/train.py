"""Train the linear layer: ``python -m enrichment.sentiment.train --data-dir /tmp/sentiment_data``.

Reproduces ``lexicons/linear_model.tsv.gz`` from the public training splits (``public.py``)
and two of the project's development sets (``evaluate.PROJECT_TRAIN_SETS``): a
multinomial logistic regression with L2 penalty, fitted by L-BFGS from zero weights, so
the same data and options give the same file. Each corpus is weighted so its classes count
equally (the targets are macro-averaged) and the corpora count as their size, the project's
sets ``--project-weight`` times. ``--validate`` prints the new model's figures on the
public validation splits (the split tuned on; the test split is for evaluate.py, once).
Needs scipy (a dev dependency); scoring does not.
"""
from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from enrichment.sentiment import public
from enrichment.sentiment.evaluate import PROJECT_TRAIN_SETS, labelled_messages
from enrichment.sentiment.linear import LABELS, LEX_NEG, LEX_POS, LinearModel, decide, features, write_model
from enrichment.sentiment.metrics import macro_f1, macro_recall
from enrichment.sentiment.scorer import lexicon_score

DEFAULT_OUT = Path(__file__).parent / "lexicons" / "linear_model.tsv.gz"


def _encode(texts: list[str]) -> list[tuple[list[str], float]]:
    out = []
    for text in texts:
        lexical, _ = lexicon_score(text)
        out.append((features(text, lexical.label, lexical.language), lexical.score))
    return out


def fit(corpora: list[tuple[list[tuple[str, str]], float]], c: float = 2.0, min_count: int = 3,
        max_iter: int = 1000) -> dict[str, tuple[float, float, float]]:
    """Weights per feature from (rows, corpus weight) pairs; features seen in fewer than
    ``min_count`` messages are left out (they would only memorise)."""
    import numpy as np
    import scipy.sparse as sp
    from scipy.optimize import minimize

    rows = [r for corpus, _ in corpora for r in corpus]
    sample_weight = []
    for corpus, weight in corpora:
        counts = Counter(label for _, label in corpus)
        sample_weight += [weight * len(corpus) / (len(counts) * counts[label]) for _, label in corpus]
    encoded = _encode([text for text, _ in rows])
    df = Counter(f for feats, _ in encoded for f in set(feats))
    names = sorted({f for f, n in df.items() if n >= min_count} | {"bias"}) + [LEX_POS, LEX_NEG]
    index = {f: i for i, f in enumerate(names)}
    indices, values, indptr = [], [], [0]
    for feats, score in encoded:
        known = sorted({index[f] for f in feats if f in index})
        lex = [max(score, 0.0), max(-score, 0.0)]
        norm = (len(known) + lex[0] ** 2 + lex[1] ** 2) ** 0.5 or 1.0  # as LinearModel.logits
        indices += known + [index[LEX_POS], index[LEX_NEG]]
        values += [1.0 / norm] * len(known) + [lex[0] / norm, lex[1] / norm]
        indptr.append(len(indices))
    x = sp.csr_matrix((np.array(values), np.array(indices), np.array(indptr)), shape=(len(rows), len(names)))
    y = np.array([LABELS.index(label) for _, label in rows])
    w = np.array(sample_weight)
    onehot = np.zeros((len(rows), 3))
    onehot[np.arange(len(rows)), y] = 1.0

    def loss(theta):
        weights = theta.reshape(len(names), 3)
        z = x @ weights
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        value = -(w * np.log(p[np.arange(len(rows)), y] + 1e-12)).sum() + 0.5 / c * (weights * weights).sum()
        grad = x.T @ ((p - onehot) * w[:, None]) + weights / c
        return value, grad.ravel()

    result = minimize(loss, np.zeros(len(names) * 3), jac=True, method="L-BFGS-B", options={"maxiter": max_iter})
    # Rounded as the file stores them, so the model in memory is the model shipped.
    weights = np.round(result.x.reshape(len(names), 3), 4)
    return {f: (float(a), float(b), float(g)) for f, (a, b, g) in zip(names, weights)
            if f in (LEX_POS, LEX_NEG, "bias") or a or b or g}


def predict(model: LinearModel, texts: list[str]) -> list[str]:
    """Labels as the built-in scorer gives them with ``model`` as its linear layer."""
    return [decide(model.logits(feats, score), score)[0] for feats, score in _encode(texts)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True, help="folder with the public sets (public.py)")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="model file to write")
    parser.add_argument("--c", type=float, default=2.0, help="inverse L2 penalty")
    parser.add_argument("--min-count", type=int, default=3, help="messages a feature must occur in")
    parser.add_argument("--project-weight", type=float, default=10.0,
                        help="weight of the project's development sets per message (0 leaves them out)")
    parser.add_argument("--validate", action="store_true", help="print figures on the public validation splits")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    splits = public.load(args.data_dir, "train")
    corpora = [(s.rows, 1.0) for s in splits]
    header = [f"trained by python -m enrichment.sentiment.train (c={args.c}, min_count={args.min_count}, "
              f"project_weight={args.project_weight}); provenance: linear_model.md"]
    header += [f"{s.set_name}, split {s.split} ({s.language}): {len(s.rows)} messages" for s in splits]
    if args.project_weight > 0:
        project = [(r["text"], r["label"]) for name in PROJECT_TRAIN_SETS for r in labelled_messages(name)]
        corpora.append((project, args.project_weight))
        header.append(f"project development sets {', '.join(PROJECT_TRAIN_SETS)}: {len(project)} messages")
    weights = fit(corpora, c=args.c, min_count=args.min_count)
    write_model(args.out, weights, header)
    print(f"{len(weights)} features written to {args.out} in {time.perf_counter() - started:.0f} s")
    if args.validate:
        model = LinearModel(weights)
        for s in public.load(args.data_dir, "validation"):
            truth = [label for _, label in s.rows]
            pred = predict(model, [text for text, _ in s.rows])
            print(f"  {s.set_name} {s.split} ({s.language}, n={len(s.rows)}): "
                  f"macro-F1={macro_f1(truth, pred):.3f} macro-recall={macro_recall(truth, pred):.3f}")


if __name__ == "__main__":
    main()
