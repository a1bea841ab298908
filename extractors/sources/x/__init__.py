"""X API v2 source."""
from extractors.sources.x.streams import SOURCE

__all__ = ["SOURCE"]
