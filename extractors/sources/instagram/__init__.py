"""Instagram Graph API source (business account)."""
from extractors.sources.instagram.streams import SOURCE

__all__ = ["SOURCE"]
