"""Sentiment of customer messages in Indonesian and English (METRICS S1, S3).

``score_text("enak bgt 😍")`` -> ``Sentiment(label="positive", score=0.8, language="id", ...)``.
The lexicon's rules plus a linear layer trained on public labelled text, deterministic; the
lexicons and the linear model are data files in ``lexicons/``. ``PANTAU_SENTIMENT_MODEL``
swaps in a team's own local model (``model.py``).
"""
from enrichment.sentiment.scorer import SCORER_VERSION, Sentiment, score_many, score_text, scorer_identity

__all__ = ["SCORER_VERSION", "Sentiment", "score_many", "score_text", "scorer_identity"]
