"""The deep chain: closed-form values, and micrograd's recursion limit put back afterwards."""

import sys

import pytest

from microopt.bench import chain
from microopt.bench.engines import microopt_engine

LINKS = 10


def expected(links: int) -> tuple[float, float, float]:
    """y_k = w y_(k-1) + b with y_0 = x = 1, w = 1/2, b = 1/4:
    y = w^L + b (1 - w^L)/(1 - w),  dy/db = (1 - w^L)/(1 - w),  dy/dx = w^L."""
    w_to_the_l = 0.5 ** links
    geometric = (1 - w_to_the_l) / (1 - 0.5)
    return w_to_the_l + 0.25 * geometric, geometric, w_to_the_l


def test_chain_has_two_nodes_per_link():
    y, x, w, b = chain.chain(microopt_engine(), LINKS)
    assert len(y.topological_order()) == chain.NODES_PER_LINK * LINKS + 3  # + the leaves x, w, b


def test_microopt_chain_matches_the_closed_form():
    assert chain.forward_backward(microopt_engine(), LINKS) == pytest.approx(expected(LINKS), rel=1e-14)


def test_micrograd_chain_deeper_than_the_default_recursion_limit():
    pytest.importorskip("micrograd")
    from microopt.bench.engines import micrograd_engine

    limit = sys.getrecursionlimit()
    links = limit  # 2 · limit nodes deep: plain micrograd would raise RecursionError
    engine = micrograd_engine()
    if not chain.deep_enough(engine):
        pytest.skip("micrograd's recursive sort needs Python >= 3.11 for deep graphs")
    assert chain.forward_backward(engine, links) == pytest.approx(expected(links), rel=1e-12)
    assert sys.getrecursionlimit() == limit


def test_recursion_limit_is_only_raised_for_micrograd():
    limit = sys.getrecursionlimit()
    with chain.recursion_limit_for(microopt_engine(), depth=10 * limit):
        assert sys.getrecursionlimit() == limit


def test_torch_chain_matches_the_closed_form():
    pytest.importorskip("torch")
    from microopt.bench.engines import torch_engine

    assert chain.forward_backward(torch_engine(), LINKS) == pytest.approx(expected(LINKS), rel=1e-14)
