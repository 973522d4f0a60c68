"""Teaching views: step through backpropagation, and trace what an optimizer computes.

- ``step_through(L)``: the backward pass from ``L`` as a list of steps (node, gradient, and
  for each parent the local derivative, the product added and the running gradient), as
  text, an HTML table, graph diagrams, or a slider in Jupyter. No ``.grad`` is modified.
- ``trace(optimizer)`` / ``trace_steps(optimizer, loss_fn, steps)``: the named quantities
  of every update (Adam's ``g, m, v, m_hat, v_hat, update``) per step and parameter.
"""

from microopt.teach.backprop import BackwardStep, BackwardSteps, Contribution, step_through
from microopt.teach.tracing import OptimizerTrace, TraceRow, trace, trace_steps

__all__ = ["step_through", "BackwardSteps", "BackwardStep", "Contribution",
           "trace", "trace_steps", "OptimizerTrace", "TraceRow"]
