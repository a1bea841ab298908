"""One folder per domain; each ends in its own ``definitions.py`` exposing ``defs``."""
