"""The README stays true to the code it documents."""
from __future__ import annotations

from pathlib import Path

from extractors.engine.config import env_var
from extractors.sources import all_sources

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_readme_opens_with_the_two_commands():
    """GIVEN the README WHEN read from the top THEN its first code block is `make demo` then `make test`."""
    block = README.split("```")[1]
    commands = [line.split("#")[0].strip() for line in block.splitlines()[1:] if line.strip()]
    assert commands == ["make demo", "make test"]


def test_readme_documents_every_source_setting():
    """GIVEN every setting each source declares
    WHEN the README's configuration section is read
    THEN each environment variable is named there (a new setting cannot go undocumented)."""
    missing = [
        env_var(source.name, setting.name)
        for source in all_sources()
        for setting in source.settings
        if env_var(source.name, setting.name) not in README
    ]
    assert missing == []
