"""Zendesk Support: tickets, ticket metrics, users, satisfaction ratings, social-ticket comments."""
from extractors.sources.zendesk.streams import SOURCE

__all__ = ["SOURCE"]
