"""Enrichment of warehouse data in Python: what SQL cannot do well (sentiment of free text)."""
