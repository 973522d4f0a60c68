"""micrograd's own tests, through microopt.micrograd.

The two cases of karpathy/micrograd's ``test/test_engine.py``, line for line, with only the
import changed; their PyTorch halves run live (torch 2.13, float64). The printed figures are
those of micrograd's README (``g.data`` 24.7041, ``a.grad`` 138.8338, ``b.grad`` 645.5773).
"""

from __future__ import annotations

import pytest

from microopt.micrograd.engine import Value

torch = pytest.importorskip("torch", reason="PyTorch is not installed: pip install torch==2.13.0")


def test_sanity_check():
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    xmg, ymg = x, y

    x = torch.Tensor([-4.0]).double()
    x.requires_grad = True
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    xpt, ypt = x, y

    assert ymg.data == ypt.data.item() == -20.0  # y = h + q + qx with z = -10: by hand, -20
    assert xmg.grad == xpt.grad.item() == 46.0


def test_more_ops():
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    amg, bmg, gmg = a, b, g

    a = torch.Tensor([-4.0]).double()
    b = torch.Tensor([2.0]).double()
    a.requires_grad = True
    b.requires_grad = True
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    g.backward()
    apt, bpt, gpt = a, b, g

    tol = 1e-6
    assert abs(gmg.data - gpt.data.item()) < tol
    assert abs(amg.grad - apt.grad.item()) < tol
    assert abs(bmg.grad - bpt.grad.item()) < tol
    assert (f"{gmg.data:.4f}", f"{amg.grad:.4f}", f"{bmg.grad:.4f}") == ("24.7041", "138.8338", "645.5773")
