"""Dagster orchestration: every layer of the warehouse is an asset; checks gate the arrows."""
