"""Sentiment of customer messages in Indonesian and English (METRICS S1, S3).

``score_text("enak bgt 😍")`` -> ``Sentiment(label="positive", score=0.8, language="id", ...)``.
Lexicon-based and deterministic; the lexicons are data files in ``lexicons/``.
"""
from enrichment.sentiment.scorer import SCORER_VERSION, Sentiment, score_many, score_text

__all__ = ["SCORER_VERSION", "Sentiment", "score_many", "score_text"]
