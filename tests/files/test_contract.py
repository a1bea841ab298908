"""The entity contracts are one declaration: the suites and the README agree with it."""
from __future__ import annotations

from pathlib import Path

import pytest

from data_quality.suites import checks_for
from extractors.files import ENTITIES, SOURCE, contract_markdown
from extractors.files.contract import BOOLEANS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def _paths(checks, kind):
    return {p for c in checks if c.kind == kind for p in c.paths}


@pytest.mark.parametrize("entity", [pytest.param(e, id=e.name) for e in ENTITIES])
def test_each_suite_checks_what_its_contract_declares(entity):
    """GIVEN an entity's contract and its suite (data_quality/suites/files.py, with the key defaults)
    WHEN the checks are compared column by column
    THEN required columns, timestamps, counts and amounts, and allowed values are the same in both."""
    checks = checks_for(SOURCE, entity.stream)
    assert _paths(checks, "required") == set(entity.required)
    assert _paths(checks, "timestamp") == {c.name for c in entity.columns if c.kind in ("timestamp", "date")}
    amounts = {c.name for c in entity.columns if c.kind in ("count", "money")}
    integers = {c.name for c in entity.columns if c.kind == "integer"}
    assert amounts <= _paths(checks, "non_negative") <= amounts | integers
    allowed = {c.paths[0]: set(c.values) for c in checks if c.kind == "one_of"}
    declared = {c.name: set(c.choices) for c in entity.columns if c.kind == "choice"}
    declared |= {c.name: set(BOOLEANS) for c in entity.columns if c.kind == "boolean"}
    assert {p: v for p, v in allowed.items() if p in declared} == declared


def test_readme_carries_the_contract_as_declared():
    """GIVEN the contract rendered from extractors/files/contract.py
    WHEN the README is read
    THEN it holds that rendering verbatim (regenerate: python -c 'import extractors.files as f; print(f.contract_markdown())')."""
    assert contract_markdown() in README
