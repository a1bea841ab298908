"""Mixpanel raw event export source."""
from extractors.sources.mixpanel.streams import SOURCE

__all__ = ["SOURCE"]
