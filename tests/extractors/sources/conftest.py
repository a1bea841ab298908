"""The first load most source tests start from.

A test module sets ``SOURCE`` (the source under test) and ``STREAMS`` (the
streams to load, in order); ``first_load`` then gives it the results of one
load of every stream, with the warehouse that load wrote copied to the test's
own ``warehouse_path``.  The load itself runs once per module (loads are
slow-ish: GX validation).  A module that wants a fresh load in every test
defines its own ``first_load``.
"""
from __future__ import annotations

import shutil

import pytest

pytest.register_assert_rewrite("tests.extractors.sources.harness")

from tests.extractors.sources.harness import load_all  # noqa: E402  (after the rewrite hook)


@pytest.fixture(scope="module")
def loaded(request, sandbox, tmp_path_factory):
    """One first load of every stream of the module's source into a module-wide warehouse."""
    source, streams = request.module.SOURCE, request.module.STREAMS
    path = tmp_path_factory.mktemp(source.name) / "pantau.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        for name, value in sandbox.settings().items():
            mp.setenv(name, value)
        results = load_all(source, streams, path)
    return path, results


@pytest.fixture
def first_load(loaded, sandbox_env, warehouse_path):
    """The first load's results, with its warehouse copied to this test's own path."""
    shutil.copyfile(loaded[0], warehouse_path)
    return loaded[1]
