"""Bytes per node: node counting by hand, and microopt's nodes far smaller than micrograd's."""

import tracemalloc

import pytest

from microopt import Value
from microopt.bench import demo
from microopt.bench.engines import microopt_engine
from microopt.bench.memory import bytes_per_node, graph_size


def test_graph_size_counts_each_node_once():
    a, b = Value(2.0), Value(3.0)
    c = a * b + a  # nodes: a, b, a*b, (a*b)+a; a is reached twice but counted once
    assert graph_size(c) == 4


def test_graph_size_of_a_micrograd_graph():
    mg = pytest.importorskip("micrograd.engine")
    a, b = mg.Value(2.0), mg.Value(3.0)
    assert graph_size(a * b + a) == 4


def test_bytes_per_node_counts_only_the_new_nodes():
    a, b = Value(2.0), Value(3.0)
    measured = bytes_per_node(lambda: a * b + a, existing_nodes=2)
    assert measured["nodes"] == 2
    assert measured["bytes_per_node"] == measured["bytes"] / 2 > 0


def test_bytes_per_node_refuses_to_share_tracemalloc():
    tracemalloc.start()
    try:
        with pytest.raises(RuntimeError, match="tracemalloc"):
            bytes_per_node(lambda: Value(1.0), existing_nodes=0)
    finally:
        tracemalloc.stop()


def test_microopt_nodes_are_much_smaller_than_micrograds_on_the_same_graph():
    pytest.importorskip("micrograd")
    from microopt.bench.engines import micrograd_engine

    X, y = demo.moons(4, seed=0)
    weights = demo.initial_weights(seed=0)
    sizes = {}
    for engine in (microopt_engine(), micrograd_engine()):
        contender = demo.Contender(engine, demo.MLP(engine, weights))
        sizes[engine.name] = bytes_per_node(lambda c=contender: c.graph(X, y), existing_nodes=337)
    # The same graph, except that microopt folds the demo's plain numbers (the 1 and the
    # label of 1 + -y·score, 3 per sample) into their nodes, where micrograd makes a leaf of each...
    assert sizes["micrograd"]["nodes"] - sizes["microopt"]["nodes"] == 3 * len(X)
    # ...and with no __dict__, parent set or closure per node: __slots__ and plain floats
    assert sizes["microopt"]["bytes_per_node"] < sizes["micrograd"]["bytes_per_node"] / 3
