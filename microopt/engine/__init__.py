"""The autograd engine: `Value`, the n-ary `sum`, and the gradient checker."""

from microopt.engine.gradcheck import GradcheckError, gradcheck, numerical_grad
from microopt.engine.value import Value, sum

__all__ = ["Value", "sum", "gradcheck", "numerical_grad", "GradcheckError"]
