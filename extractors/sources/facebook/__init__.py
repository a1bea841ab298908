"""Facebook Pages Graph API source."""
from extractors.sources.facebook.streams import SOURCE

__all__ = ["SOURCE"]
