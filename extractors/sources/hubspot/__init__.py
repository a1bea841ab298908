"""HubSpot CRM: contacts, deals with their contacts, feedback submissions (NPS/CSAT/CES)."""
from extractors.sources.hubspot.streams import SOURCE

__all__ = ["SOURCE"]
