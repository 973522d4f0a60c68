"""The bench's harness collects garbage around every sample: in a test process that holds torch,
hypothesis and every module imported so far, a full collection costs a good fraction of a second.
Freezing what exists before each test (gc.freeze: the collector skips it) leaves the collections
only the test's own objects to scan. microopt.bench.run freezes its heap the same way."""

import gc

import pytest


@pytest.fixture(autouse=True)
def frozen_heap():
    gc.freeze()
    yield
    gc.unfreeze()
