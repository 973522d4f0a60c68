"""Teaching views: step through backpropagation, and trace what an optimizer computes.

- ``step_through(L)``: the backward pass from ``L`` as a list of steps (node, gradient, and
  for each parent the local derivative, the product added and the running gradient), as
  text, an HTML table, graph diagrams, or a slider in Jupyter. No ``.grad`` is modified.
- ``trace(optimizer)`` / ``trace_steps(optimizer, loss_fn, steps)``: the named quantities
  of every update (Adam's ``g, m, v, m_hat, v_hat, update``) per step and parameter.

The names are loaded when first used (PEP 562): the exercise checkers import ``tracing``
in every graded kernel, and ``backprop`` brings the graph drawing (viz, train) with it.
"""

import importlib

_MODULE_OF = {"step_through": "backprop", "BackwardSteps": "backprop", "BackwardStep": "backprop",
              "Contribution": "backprop", "trace": "tracing", "trace_steps": "tracing",
              "OptimizerTrace": "tracing", "TraceRow": "tracing"}

__all__ = list(_MODULE_OF)


def __getattr__(name: str):
    if name not in _MODULE_OF:
        raise AttributeError(f"module 'microopt.teach' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"microopt.teach.{_MODULE_OF[name]}"), name)
    globals()[name] = value  # once loaded, an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
