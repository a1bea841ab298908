"""Hand-written lexicons (data files) read by ``enrichment.sentiment.scorer``."""
