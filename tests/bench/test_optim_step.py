"""Optimizer step cost: the models have the sizes they claim, and the line fit is least squares."""

import pytest

from microopt.bench import optim_step
from microopt.nn import MLP


@pytest.mark.parametrize("n, width", sorted(optim_step.WIDTHS.items()))
def test_models_have_the_stated_number_of_parameters(n, width):
    assert MLP(2, [width, width, 1]).num_parameters() == n


def test_step_costs_rows_for_each_optimizer_and_size():
    result = optim_step.step_costs((105,), repeat=1, updates=210)  # two steps of 105 parameters per sample
    assert [(r["optimizer"], r["parameters"]) for r in result["rows"]] == [
        ("SGD(momentum=0.9)", 105), ("Adam", 105)]
    for row in result["rows"]:
        assert row["step_seconds"] > 0 and row["backward_seconds"] > 0
        assert row["ns_per_parameter"] == pytest.approx(row["step_seconds"] / 105 * 1e9)
        assert row["step_over_backward"] == pytest.approx(row["step_seconds"] / row["backward_seconds"])
    assert set(result["one_parameter_seconds"]) == {"SGD(momentum=0.9)", "Adam"}
    assert all(seconds > 0 for seconds in result["one_parameter_seconds"].values())


def test_unknown_model_size_is_refused():
    with pytest.raises(ValueError, match="No model of 500 parameters"):
        optim_step.step_costs((500,), repeat=1)
