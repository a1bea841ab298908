"""The file source: exports a brand drops in ``PANTAU_IMPORT_DIR`` as CSV or JSON lines.

``ENTITIES`` declares every entity's column contract (``contract.py``);
``import_entity`` lands an entity's new files in ``raw.files__<entity>``
(``importer.py``), reading them with ``reader.py``.
"""
from extractors.files.contract import ENTITIES, SOURCE, Column, Entity, contract_markdown, entity
from extractors.files.importer import (
    FileOutcome,
    default_timezone,
    ensure_tables,
    import_dir,
    import_entity,
)

__all__ = [
    "ENTITIES", "SOURCE", "Column", "Entity", "FileOutcome", "contract_markdown", "default_timezone", "ensure_tables",
    "entity", "import_dir", "import_entity",
]
