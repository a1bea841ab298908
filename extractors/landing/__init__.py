"""Raw landing: streams land append-only in DuckDB ``raw.<source>__<stream>`` with an audit ledger."""
