"""Six classic landscapes for watching optimizers move, each with its hand-derived gradient.

=============  ==============================  =======================================
name           f(x, y)                         what it shows
=============  ==============================  =======================================
quadratic      ½ (x² + κ y²)                   ill-conditioning: zig-zag when κ is big
rosenbrock     (a - x)² + b (y - x²)²          a long curved valley with a flat floor
beale          Σ_i (c_i - x + x yⁱ)²           steep walls, flat plateaus, sharp corners
himmelblau     (x² + y - 11)² + (x + y² - 7)²  four minima: where you start decides
saddle         x² - y²                         a saddle point: no minimum at all
rastrigin      2A + Σ (x² - A cos 2πx)         many local minima around the global one
=============  ==============================  =======================================
"""

from __future__ import annotations

import math

from microopt._validate import real_number
from microopt.functions.base import Function2D, Scalar, cos, sin, square


def _check_positive(cls: str, name: str, value: object) -> float:
    return real_number(f"{name} for {cls}", value, above=0.0)


class Quadratic(Function2D):
    """The quadratic bowl f(x, y) = ½ (x² + κ y²), κ = ``condition``.

    Its Hessian is diag(1, κ): curvature 1 along x, κ along y, so κ is the condition number.
    Gradient descent is stable only for lr < 2/κ (set by the steep y direction) but then
    creeps along the flat x direction at rate (1 - lr) per step: the bigger κ, the slower,
    which is the case for momentum and for adaptive methods.

        ∂f/∂x = x        ∂f/∂y = κ y

    Minimum: f(0, 0) = 0.
    """

    name = "quadratic"
    minima = [(0.0, 0.0)]
    minimum_value = 0.0
    start = (-4.0, 1.5)
    bounds = ((-5.0, 5.0), (-3.0, 3.0))

    def __init__(self, condition: float = 10.0) -> None:
        self.condition = _check_positive("Quadratic", "condition", condition)
        self.formula = f"½ (x² + {self.condition:g} y²)"

    def __call__(self, x: Scalar, y: Scalar) -> Scalar:
        return 0.5 * (x * x + self.condition * y * y)

    def gradient(self, x: float, y: float) -> tuple[float, float]:
        return x, self.condition * y

    def __repr__(self) -> str:
        return f"Quadratic(condition={self.condition:g})"


class Rosenbrock(Function2D):
    """Rosenbrock's banana, f(x, y) = (a - x)² + b (y - x²)² (Rosenbrock 1960; a = 1, b = 100).

    The minimum sits at the end of a long, narrow, curved valley along y = x²: finding the
    valley is easy, following its almost flat floor is hard.

        ∂f/∂x = -2 (a - x) - 4 b x (y - x²)        ∂f/∂y = 2 b (y - x²)

    Minimum: f(a, a²) = 0. Start: (-1.2, 1), Rosenbrock's own.
    """

    name = "rosenbrock"
    minimum_value = 0.0
    start = (-1.2, 1.0)
    bounds = ((-2.0, 2.0), (-1.0, 3.0))

    def __init__(self, a: float = 1.0, b: float = 100.0) -> None:
        self.a = real_number("a for Rosenbrock", a)
        self.b = _check_positive("Rosenbrock", "b", b)
        self.formula = f"({self.a:g} − x)² + {self.b:g} (y − x²)²"
        self.minima = [(self.a, self.a * self.a)]
        # the default window, widened when the minimum (a, a²) would fall outside it
        self.bounds = ((min(-2.0, self.a - 1.0), max(2.0, self.a + 1.0)), (-1.0, max(3.0, self.a * self.a + 1.0)))

    def __call__(self, x: Scalar, y: Scalar) -> Scalar:
        return square(self.a - x) + self.b * square(y - x * x)

    def gradient(self, x: float, y: float) -> tuple[float, float]:
        a, b = self.a, self.b
        return -2.0 * (a - x) - 4.0 * b * x * (y - x * x), 2.0 * b * (y - x * x)

    def __repr__(self) -> str:
        return f"Rosenbrock(a={self.a:g}, b={self.b:g})"


class Beale(Function2D):
    """Beale's function, f(x, y) = t₁² + t₂² + t₃², with tᵢ = cᵢ - x + x yⁱ, c = (1.5, 2.25, 2.625).

    Flat plateaus and steep walls: gradients span many orders of magnitude, which favours
    methods that rescale the step (Adam, RMSprop) over plain gradient descent.

        ∂f/∂x = 2 t₁ (y - 1) + 2 t₂ (y² - 1) + 2 t₃ (y³ - 1)
        ∂f/∂y = 2 t₁ x + 2 t₂ (2 x y) + 2 t₃ (3 x y²)

    Minimum: f(3, 0.5) = 0.
    """

    name = "beale"
    formula = "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²"
    minima = [(3.0, 0.5)]
    minimum_value = 0.0
    start = (1.0, 1.5)
    bounds = ((-4.5, 4.5), (-4.5, 4.5))

    def __call__(self, x: Scalar, y: Scalar) -> Scalar:
        t1 = 1.5 - x + x * y
        t2 = 2.25 - x + x * y * y
        t3 = 2.625 - x + x * y * y * y
        return t1 * t1 + t2 * t2 + t3 * t3

    def gradient(self, x: float, y: float) -> tuple[float, float]:
        t1 = 1.5 - x + x * y
        t2 = 2.25 - x + x * y * y
        t3 = 2.625 - x + x * y * y * y
        dfdx = 2 * t1 * (y - 1) + 2 * t2 * (y * y - 1) + 2 * t3 * (y * y * y - 1)
        dfdy = 2 * t1 * x + 2 * t2 * (2 * x * y) + 2 * t3 * (3 * x * y * y)
        return dfdx, dfdy


class Himmelblau(Function2D):
    """Himmelblau's function, f(x, y) = (x² + y - 11)² + (x + y² - 7)² (Himmelblau 1972).

    Four global minima, all with f = 0: which one an optimizer reaches depends on where it
    starts and on its momentum. (There is also a local maximum near (-0.27, -0.92).)

        ∂f/∂x = 4 x (x² + y - 11) + 2 (x + y² - 7)
        ∂f/∂y = 2 (x² + y - 11) + 4 y (x + y² - 7)
    """

    name = "himmelblau"
    formula = "(x² + y − 11)² + (x + y² − 7)²"
    # (3, 2) is exact; the other three are roots of a polynomial, here to double precision
    # (Newton's method on the gradient).
    minima = [
        (3.0, 2.0),
        (-2.805118086952745, 3.131312518250573),
        (-3.779310253377747, -3.283185991286169),
        (3.5844283403304917, -1.8481265269644034),
    ]
    minimum_value = 0.0
    start = (0.0, 0.0)
    bounds = ((-5.0, 5.0), (-5.0, 5.0))

    def __call__(self, x: Scalar, y: Scalar) -> Scalar:
        return square(x * x + y - 11) + square(x + y * y - 7)

    def gradient(self, x: float, y: float) -> tuple[float, float]:
        u = x * x + y - 11
        w = x + y * y - 7
        return 4 * x * u + 2 * w, 2 * u + 4 * y * w


class Saddle(Function2D):
    """The saddle f(x, y) = x² - y²: a minimum along x, a maximum along y.

    It has NO minimum (f -> -inf as |y| grows): ``minima`` is empty and ``minimum_value`` is
    None. Its one stationary point, (0, 0), is a saddle (``saddle_points``). Started just off
    the x axis, gradient descent first slides toward the saddle, then escapes along y slowly,
    since the push away, 2y, is tiny near y = 0; momentum escapes sooner.

        ∂f/∂x = 2 x        ∂f/∂y = -2 y
    """

    name = "saddle"
    formula = "x² − y²"
    minima: list[tuple[float, float]] = []
    minimum_value = None
    saddle_points = [(0.0, 0.0)]
    start = (-1.5, 0.01)
    bounds = ((-2.0, 2.0), (-2.0, 2.0))

    def __call__(self, x: Scalar, y: Scalar) -> Scalar:
        return x * x - y * y

    def gradient(self, x: float, y: float) -> tuple[float, float]:
        return 2.0 * x, -2.0 * y


class Rastrigin(Function2D):
    """Rastrigin's function, f(x, y) = 2A + (x² - A cos 2πx) + (y² - A cos 2πy), A = 10.

    A bowl covered in ripples: a local minimum near every integer point, the global one at the
    origin. Small steps get trapped in the nearest dip; escaping needs big steps or luck.

        ∂f/∂x = 2 x + 2πA sin 2πx        ∂f/∂y = 2 y + 2πA sin 2πy

    Minimum: f(0, 0) = 0.
    """

    name = "rastrigin"
    minima = [(0.0, 0.0)]
    minimum_value = 0.0
    start = (-3.3, 2.7)
    bounds = ((-5.12, 5.12), (-5.12, 5.12))

    def __init__(self, A: float = 10.0) -> None:
        self.A = _check_positive("Rastrigin", "A", A)
        self.formula = f"{2 * self.A:g} + x² − {self.A:g} cos 2πx + y² − {self.A:g} cos 2πy"

    def __call__(self, x: Scalar, y: Scalar) -> Scalar:
        A = self.A
        return 2 * A + (x * x - A * cos(2 * math.pi * x)) + (y * y - A * cos(2 * math.pi * y))

    def gradient(self, x: float, y: float) -> tuple[float, float]:
        A = self.A
        return (2 * x + 2 * math.pi * A * sin(2 * math.pi * x),
                2 * y + 2 * math.pi * A * sin(2 * math.pi * y))

    def __repr__(self) -> str:
        return f"Rastrigin(A={self.A:g})"
