"""Saving and resuming: a run interrupted, saved through JSON and resumed is bit-for-bit the same."""

from __future__ import annotations

import json

import pytest

import microopt.optim as optim
from microopt import Value
from tests.fixtures.generate_optim_fixtures import PROBLEMS

# Settings that use every buffer: momentum, amsgrad's v_max, RMSprop's centered average...
SETTINGS = [
    ("SGD", {"lr": 1e-3, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1}),
    ("RMSprop", {"lr": 1e-3, "centered": True, "momentum": 0.5}),
    ("Adadelta", {"lr": 0.5}),
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.01, "betas": (0.8, 0.99)}),
    ("Adamax", {"lr": 0.01}),
    ("NAdam", {"lr": 0.01, "decoupled_weight_decay": True, "weight_decay": 0.1}),
    ("RAdam", {"lr": 1e-3}),
    ("Lion", {"lr": 1e-3, "weight_decay": 0.1}),
    ("Rprop", {"lr": 1e-3, "etas": (0.4, 1.3)}),
]


def make(name, kwargs, start):
    params = [Value(x) for x in start]
    groups = [{"params": params[:8]}, {"params": params[8:], "lr": kwargs["lr"] / 2}]
    return params, getattr(optim, name)(groups, **kwargs)


def train(params, optimizer, steps):
    loss_fn = PROBLEMS["mlp"][0]
    for _ in range(steps):
        optimizer.zero_grad()
        loss_fn(params).backward()
        optimizer.step()


@pytest.mark.parametrize("name, kwargs", SETTINGS, ids=[s[0] for s in SETTINGS])
def test_resume_through_json_is_bit_for_bit_identical(name, kwargs):
    start = PROBLEMS["mlp"][1]
    params, optimizer = make(name, kwargs, start)
    train(params, optimizer, 20)
    uninterrupted = [p.data for p in params]

    params, optimizer = make(name, kwargs, start)
    train(params, optimizer, 12)
    saved = json.dumps({"params": [p.data for p in params], "optimizer": optimizer.state_dict()})

    loaded = json.loads(saved)
    params, optimizer = make(name, {**kwargs, "lr": 123.0}, loaded["params"])  # lr restored below
    optimizer.load_state_dict(loaded["optimizer"])
    assert optimizer.param_groups[1]["lr"] == kwargs["lr"] / 2
    train(params, optimizer, 8)
    assert [p.data for p in params] == uninterrupted  # exact, not approximate


def test_state_dict_layout_is_torchs():
    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    opt = optim.Adam([{"params": [a, b]}, {"params": [c], "lr": 0.1}], lr=0.01)
    a.grad, b.grad, c.grad = 1.0, -1.0, 0.5
    opt.step()
    sd = opt.state_dict()
    assert list(sd) == ["state", "param_groups"]
    assert list(sd["state"]) == [0, 1, 2]
    assert sd["state"][1] == {"step": 1, "m": pytest.approx(-0.1), "v": pytest.approx(0.001)}
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2]]
    assert sd["param_groups"][1]["lr"] == 0.1 and sd["param_groups"][0]["betas"] == (0.9, 0.999)
    json.dumps(sd)  # plain numbers only


def test_state_dict_is_a_copy():
    w = Value(1.0)
    opt = optim.SGD([w], lr=0.1, momentum=0.9)
    w.grad = 1.0
    opt.step()
    sd = opt.state_dict()
    sd["state"][0]["momentum_buffer"] = 99.0
    sd["param_groups"][0]["lr"] = 99.0
    assert opt.state[w]["momentum_buffer"] == 1.0 and opt.param_groups[0]["lr"] == 0.1


def test_load_restores_tuples_and_integer_keys_after_json():
    w = Value(1.0)
    opt = optim.Adam([w], betas=(0.8, 0.9))
    w.grad = 1.0
    opt.step()
    restored = optim.Adam([Value(1.0)])
    restored.load_state_dict(json.loads(json.dumps(opt.state_dict())))
    assert restored.param_groups[0]["betas"] == (0.8, 0.9)
    assert restored.state_dict() == opt.state_dict()


def test_loading_before_any_step_and_without_state_works():
    opt = optim.SGD([Value(1.0)], lr=0.5)
    other = optim.SGD([Value(2.0)])
    other.load_state_dict(opt.state_dict())
    assert other.param_groups[0]["lr"] == 0.5 and dict(other.state) == {}


def saved_adam():
    a, b = Value(1.0), Value(2.0)
    opt = optim.Adam([a, b])
    a.grad = b.grad = 1.0
    opt.step()
    return opt.state_dict()


@pytest.mark.parametrize("mutate, message", [
    (lambda sd: sd.pop("state"), "must be a dict with exactly the keys 'param_groups' and 'state'"),
    (lambda sd: sd["param_groups"].append({"params": []}), "different number of parameter groups: 2"),
    (lambda sd: sd["param_groups"][0]["params"].pop(), "doesn't match the size of optimizer's group"),
    (lambda sd: sd["param_groups"][0].pop("betas"), r"lacks hyperparameters \['betas'\]"),
    (lambda sd: sd["state"].update({"7": {}}), "state for parameter '7'"),
    (lambda sd: sd["state"].update({"x": {}}), "must be integer indices, got 'x'"),
    (lambda sd: sd["state"].update({0: 1.0}), "entry 0 must be a dict of buffers"),
    (lambda sd: sd["state"][0].update(m="0.1"), r"entry 0: Invalid buffer 'm': '0.1' \(must be a number\)"),
    (lambda sd: sd["state"][1].update(v=[0.0]), r"entry 1: Invalid buffer 'v': \[0.0\] \(must be a number >= 0\)"),
    (lambda sd: sd["param_groups"][0].update(lr=-1.0), "Invalid learning rate: -1.0"),
    (lambda sd: sd.update(param_groups={}), "'param_groups' must be a list of dicts"),
])
def test_load_refuses_a_state_dict_that_does_not_fit(mutate, message):
    sd = saved_adam()
    mutate(sd)
    opt = optim.Adam([Value(0.0), Value(0.0)])
    before = opt.state_dict()
    with pytest.raises(ValueError, match=message):
        opt.load_state_dict(sd)
    assert opt.state_dict() == before  # nothing was half-loaded


def test_load_refuses_another_optimizers_state_dict():
    sgd = optim.SGD([Value(1.0), Value(2.0)])
    with pytest.raises(ValueError, match="Was it saved from another optimizer"):
        optim.Adam([Value(1.0), Value(2.0)]).load_state_dict(sgd.state_dict())
