"""The demo workload is the same on every engine: same weights in, same loss and gradients out."""

import pytest
from hypothesis import given, settings, strategies as st

import microopt
from microopt.bench import demo
from microopt.bench.engines import microopt_engine

MICROOPT = microopt_engine()


def test_initial_weights_follow_micrograds_init():
    weights = demo.initial_weights(seed=3)
    assert len(weights) == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1 == 337
    # per neuron: nin weights in [-1, 1], then the bias, which micrograd starts at 0
    first_layer_biases = weights[2:48:3]
    assert first_layer_biases == [0.0] * 16
    assert all(-1.0 <= w <= 1.0 for w in weights)
    assert demo.initial_weights(seed=3) == weights != demo.initial_weights(seed=4)


def test_moons_have_signed_labels():
    X, y = demo.moons(100, seed=0)
    assert len(X) == len(y) == 100
    assert sorted(set(y)) == [-1, 1] and y.count(1) == 50


def test_demo_loss_by_hand_on_a_one_neuron_model():
    # one linear neuron, w = 2, b = 0.5: score = 2·1 + 0.5 = 2.5
    model = demo.MLP(MICROOPT, [2.0, 0.5], layers=(1, 1))
    reg = 1e-4 * (2.0 ** 2 + 0.5 ** 2)  # α Σ p² = 4.25e-4
    loss, accuracy = demo.demo_loss(model, [[1.0]], [1], MICROOPT)
    assert loss.data == pytest.approx(0.0 + reg, abs=1e-15)  # relu(1 - 2.5) = 0
    assert accuracy == 1.0
    loss, accuracy = demo.demo_loss(model, [[1.0]], [-1], MICROOPT)
    assert loss.data == pytest.approx(3.5 + reg, abs=1e-15)  # relu(1 + 2.5) = 3.5
    assert accuracy == 0.0


def test_train_step_is_sgd_with_the_demos_learning_rate():
    # L = relu(1 + s) + 1e-4 (w² + b²) with s = w·x + b, x = 1, y = -1:
    # dL/dw = x + 2e-4 w = 1.0004, dL/db = 1 + 2e-4 b = 1.0001; lr = 1 - 0.9·0/100 = 1
    model = demo.MLP(MICROOPT, [2.0, 0.5], layers=(1, 1))
    loss = demo.train_step(model, [[1.0]], [-1], MICROOPT, k=0)
    w, b = model.parameters()
    assert loss == pytest.approx(3.500425, abs=1e-12)
    assert w.data == pytest.approx(2.0 - 1.0004, abs=1e-12)
    assert b.data == pytest.approx(0.5 - 1.0001, abs=1e-12)
    # at k = 50 the demo's rate is 1 - 0.45 = 0.55
    model = demo.MLP(MICROOPT, [2.0, 0.5], layers=(1, 1))
    demo.train_step(model, [[1.0]], [-1], MICROOPT, k=50)
    assert model.parameters()[0].data == pytest.approx(2.0 - 0.55 * 1.0004, abs=1e-12)


def _loss_and_grads(model, engine, add_up=sum):
    X, y = demo.moons(12, seed=1)
    loss, accuracy = demo.demo_loss(model, X, y, engine, add_up)
    loss.backward()
    return engine.value_of(loss), accuracy, [engine.grad_of(p) for p in model.parameters()]


def test_own_mlp_computes_the_same_loss_and_gradients_as_the_same_code():
    weights = demo.initial_weights(seed=2)
    same_code = _loss_and_grads(demo.MLP(MICROOPT, weights), MICROOPT)
    own = _loss_and_grads(demo.own_mlp(weights), MICROOPT, microopt.sum)
    assert own[0] == pytest.approx(same_code[0], rel=1e-12)
    assert own[1] == same_code[1]
    assert own[2] == pytest.approx(same_code[2], rel=1e-9, abs=1e-12)


def test_own_mlp_refuses_the_wrong_number_of_weights():
    with pytest.raises(ValueError, match="336 weights for a model of 337 parameters"):
        demo.own_mlp([0.0] * 336)


def test_micrograd_computes_the_same_loss_and_gradients():
    pytest.importorskip("micrograd")
    from microopt.bench.engines import micrograd_engine

    weights = demo.initial_weights(seed=2)
    mine = _loss_and_grads(demo.MLP(MICROOPT, weights), MICROOPT)
    theirs = _loss_and_grads(demo.MLP(micrograd_engine(), weights), micrograd_engine())
    # the same additions in the same order: identical to the last bit
    assert mine[0] == theirs[0]
    assert mine[1] == theirs[1]
    assert mine[2] == pytest.approx(theirs[2], rel=1e-12, abs=1e-15)


def test_torch_computes_the_same_loss_and_gradients():
    pytest.importorskip("torch")
    from microopt.bench.engines import torch_engine

    weights = demo.initial_weights(seed=2)
    mine = _loss_and_grads(demo.MLP(MICROOPT, weights), MICROOPT)
    theirs = _loss_and_grads(demo.MLP(torch_engine(), weights), torch_engine())
    assert mine[0] == pytest.approx(theirs[0], rel=1e-12)
    assert mine[1] == theirs[1]
    assert mine[2] == pytest.approx(theirs[2], rel=1e-9, abs=1e-12)


@settings(max_examples=10, deadline=None)
@given(weights_seed=st.integers(0, 10_000), data_seed=st.integers(0, 10_000))
def test_micrograd_and_microopt_agree_for_any_weights_and_data(weights_seed, data_seed):
    pytest.importorskip("micrograd")
    from microopt.bench.engines import micrograd_engine

    weights = demo.initial_weights(seed=weights_seed)
    X, y = demo.moons(6, seed=data_seed)
    losses = [demo.Contender(engine, demo.MLP(engine, weights)).loss(X, y)
              for engine in (MICROOPT, micrograd_engine())]
    assert losses[0] == losses[1]


def test_the_fast_engine_computes_the_demo_losses_bit_for_bit():
    # Recorded with the engine before constant folding, marked sort and the paused collector
    # (commit f2e9c7e): the speed-ups changed no number.
    import microopt
    from microopt.bench.engines import microopt_engine

    engine = microopt_engine()
    X, y = demo.moons(100, seed=0)
    model = demo.own_mlp(demo.initial_weights(seed=0))
    losses = [demo.train_step(model, X, y, engine, k, microopt.sum) for k in range(3)]
    assert losses == [0.9369343820317719, 0.969522713118889, 2.4954454766780887]


def test_the_compiled_demo_step_is_the_eager_one_bit_for_bit():
    import microopt
    from microopt.bench.engines import microopt_engine

    X, y = demo.moons(8, seed=0)
    weights = demo.initial_weights(seed=0)
    engine = microopt_engine()
    compiled = demo.CompiledContender(demo.own_mlp(weights), X, y)
    eager = demo.own_mlp(weights)
    eager_losses = [demo.train_step(eager, X, y, engine, k, microopt.sum) for k in range(3)]
    compiled_losses = []
    for k in range(3):
        for p in compiled.params:
            p.grad = 0.0
        compiled_losses.append(compiled.step(X, y))
        for p in compiled.params:
            p.data -= (1.0 - 0.9 * k / 100) * p.grad
    assert compiled_losses == eager_losses
    assert [p.data for p in compiled.params] == [p.data for p in eager.parameters()]


def test_the_batched_demo_step_agrees_with_the_eager_one_to_1e_12():
    pytest.importorskip("numpy")
    import microopt
    from microopt.bench.engines import microopt_engine

    X, y = demo.moons(16, seed=0)
    weights = demo.initial_weights(seed=0)
    engine = microopt_engine()
    batched = demo.CompiledContender(demo.own_mlp(weights), X, y, batched=True)
    eager = demo.own_mlp(weights)
    for k in range(3):
        for p in batched.params:
            p.grad = 0.0
        loss = batched.step(X, y)
        assert loss == pytest.approx(demo.train_step(eager, X, y, engine, k, microopt.sum), rel=1e-12, abs=0.0)
        for p in batched.params:
            p.data -= (1.0 - 0.9 * k / 100) * p.grad
        assert [p.data for p in batched.params] == pytest.approx([p.data for p in eager.parameters()], rel=1e-12)
