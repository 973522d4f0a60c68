"""micrograd, on microopt's engine: Karpathy's micrograd code runs unchanged apart from the import.

    from microopt.micrograd.engine import Value           # was: from micrograd.engine import Value
    from microopt.micrograd.nn import Neuron, Layer, MLP  # was: from micrograd.nn import ...
    from microopt.micrograd import draw_dot               # the lecture's diagram

The names, signatures, graphs and initialization are micrograd 0.1.0's, so the lecture's code
and micrograd's ``demo.ipynb`` give micrograd's numbers (``tests/micrograd`` checks both, and
micrograd's own ``test/test_engine.py``); the nodes and ``backward()`` are microopt's: no
closure per node, no recursion limit, and the speed of microopt's engine.
``python -m microopt.micrograd`` runs the demo on both, side by side, and compares.
"""

from microopt.micrograd.engine import Value
from microopt.micrograd.graph import draw_dot
from microopt.micrograd.nn import MLP, Layer, Module, Neuron

__all__ = ["Value", "Module", "Neuron", "Layer", "MLP", "draw_dot"]
