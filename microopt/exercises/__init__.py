"""Checkers for classroom exercises: each raises a plain ``AssertionError`` that explains the mistake.

- ``check_backward(rule, reference="tanh")``: a student's forward value and local
  derivative(s) of an operation, against central differences and the engine's own op.
- ``check_optimizer(MyAdam, reference="Adam", lr=0.01)``: a student's optimizer, written
  microopt's way (``update(p, state, ...)``) or PyTorch's (``step()``), or a pair of pure
  functions ``(adam_init, adam_update)`` over lists of floats (optax's way), beside the reference
  on two 2-D functions and a tiny MLP; the message names the step, the parameter, the first
  quantity that differs, and a hint.
- ``check_sgd_momentum(MySGD)``: ``check_optimizer`` against SGD with momentum.
- ``check_lr_schedule(step_lr, "StepLR", step_size=3, gamma=0.5)``: a student's schedule
  (a function of the epoch, or an ``LRScheduler`` subclass) against PyTorch's numbers.
- ``check_value(yours, expected, "name")`` / ``check_sequence``: numbers a student predicted
  or measured.
- ``check_clip_grad_norm(my_clip)``: a student's gradient clipping against ``clip_grad_norm_``.

Every check runs the student's code under a time limit (``time_limit=`` seconds) and refuses
the library's own implementation ("write it yourself"). They work in a notebook and in any
autograder (``microopt assignment grade``, nbgrader, otter, a plain pytest file).
"""

from microopt.exercises.backward import check_backward
from microopt.exercises.clipping import check_clip_grad_norm
from microopt.exercises.optimizers import check_optimizer, check_sgd_momentum
from microopt.exercises.schedules import check_lr_schedule
from microopt.exercises.values import check_sequence, check_value

__all__ = ["check_backward", "check_optimizer", "check_sgd_momentum", "check_lr_schedule", "check_value",
           "check_sequence", "check_clip_grad_norm"]
