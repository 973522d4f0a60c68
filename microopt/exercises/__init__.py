"""Checkers for classroom exercises: each raises a plain ``AssertionError`` that explains the mistake.

- ``check_backward(rule, reference="tanh")``: a student's forward value and local
  derivative(s) of an operation, against central differences and the engine's own op.
- ``check_optimizer(MyAdam, reference="Adam", lr=0.01)``: a student's ``Optimizer``
  subclass beside the reference on two 2-D functions and a tiny MLP; the message names the
  step, the parameter, the first quantity that differs, and a hint.
- ``check_sgd_momentum(MySGD)``: ``check_optimizer`` against SGD with momentum, with
  hyperparameters under which the classic momentum mistakes show.

They work in a notebook and in any autograder (nbgrader, otter, a plain pytest file).
"""

from microopt.exercises.backward import check_backward
from microopt.exercises.optimizers import check_optimizer, check_sgd_momentum

__all__ = ["check_backward", "check_optimizer", "check_sgd_momentum"]
