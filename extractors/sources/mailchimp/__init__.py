"""Mailchimp Marketing API v3 source."""
from extractors.sources.mailchimp.streams import SOURCE

__all__ = ["SOURCE"]
