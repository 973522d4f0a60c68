"""Known optimizer mistakes, each derived from the reference algorithm by one small edit of its code.

A mistake is not a second implementation of Adam: it is an edit of the reference's own
``update`` (its source, parsed with ``ast``), such as "``math.sqrt(X) + eps`` becomes
``math.sqrt(X + eps)``" or "the last line's ``-=`` becomes ``+=``". An edit applies to every
algorithm whose code has the pattern, so ``catalogue(RMSprop)`` holds "eps inside the square
root" because ``rmsprop.py`` has ``math.sqrt(square_avg) + eps``, and a new optimizer gets
the mistakes its code allows without a line written here.

When a student's optimizer disagrees with the reference, ``check_optimizer`` replays each
mistaken version on the same problem; one that reproduces the student's numbers (or raises
the same error at the same step) is very likely the student's mistake, and its hint is shown.

The catalogue (which of them apply depends on the algorithm's code):

- any algorithm: wrong sign; state not kept between steps; the new value of a running
  quantity computed but the previous one used ("used the previous m"); β and 1 - β swapped;
  a flag ignored (maximize, nesterov, amsgrad, centered); weight decay ignored, applied after
  the update, coupled and decoupled confused, decoupled decay without the learning rate;
  a default hyperparameter that differs from the reference's (RMSprop α = 0.9);
- adaptive methods (Adagrad, RMSprop, Adam): eps inside the square root; the square root
  forgotten; g not squared (v goes negative);
- Adam: no bias correction; the step count starting at 0 or not advancing; Kingma & Ba's
  "efficient" form (a legitimate variant, named);
- SGD: the momentum buffer started at zero; dampening ignored (the CS231n velocity form);
- Adagrad: lr_decay applied one step early.

``student_source(reference, mistake, style=...)`` writes any of them (or the correct
algorithm, ``mistake=None``) as the code a student would hand in, either as microopt's
``update(p, state, ...)`` or as a PyTorch-style ``step()`` with PyTorch's state names: the
tests and the grading benchmark use it to build a class of students.

Sources: pytorch/pytorch#23796 and optax#532 (eps placement), PRs #41679 and #43055 (Adam's
weight_decay is L2), PR #152833 (SGD's buffer starts at g); Kingma & Ba (2015), section 2.
"""

from __future__ import annotations

import __future__
import ast
import copy
import functools
import inspect
import textwrap
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from microopt.engine.value import Value

# A kind of mistake: given the reference's update (an ast.FunctionDef), yield
# (name, hint, edited FunctionDef) for every place the pattern occurs.
Kind = Callable[[ast.FunctionDef], Iterator[tuple[str, str, ast.FunctionDef]]]


@dataclass(frozen=True)
class Mistake:
    """One mistaken version of a reference's ``update``: its name, its hint and its code."""

    name: str
    hint: str
    function: ast.FunctionDef | None = None  # the edited update (None: hyperparameters only)
    hyperparameters: dict[str, Any] | None = None  # replace these (a wrong default)

    def optimizer_class(self, reference: type) -> type:
        """The reference with this mistake: a subclass whose ``update`` is the edited code."""
        key = (id(self), reference)
        if key not in _CLASSES:
            _CLASSES[key] = (self, self._build(reference))  # the mistake is kept, so its id stays its own
        return _CLASSES[key][1]

    def _build(self, reference: type) -> type:
        namespace = {}
        if self.function is not None:
            namespace["update"] = _compile(self.function, reference_update(reference))
        if self.hyperparameters is not None:
            wrong = self.hyperparameters

            def __init__(self, params, **hyperparameters):
                reference.__init__(self, params, **{**hyperparameters, **wrong})

            namespace["__init__"] = __init__
        return type(f"{reference.__name__}With{_camel(self.name)}", (reference,), namespace)


_CLASSES: dict[tuple[int, type], tuple[Mistake, type]] = {}


def _camel(name: str) -> str:
    return "".join(word.title() for word in name.replace("'", "").split() if word.isalnum())


# ----------------------------------------------------------------- the reference's code
def reference_update(reference: type) -> Callable:
    """The ``update`` function the reference runs (AdamW's is Adam's)."""
    return next(k.__dict__["update"] for k in reference.__mro__ if "update" in k.__dict__)


def _parse(function: Callable) -> ast.FunctionDef:
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    return tree.body[0]


def _compile(function: ast.FunctionDef, original: Callable) -> Callable:
    module = ast.fix_missing_locations(ast.Module(body=[function], type_ignores=[]))
    code = compile(module, original.__code__.co_filename, "exec",
                   flags=__future__.annotations.compiler_flag, dont_inherit=True)
    namespace = dict(original.__globals__)
    exec(code, namespace)
    return namespace[function.name]


def _names(function: ast.FunctionDef) -> tuple[str, str]:
    """The names of the parameter and state arguments (``p``, ``state``)."""
    return function.args.args[1].arg, function.args.args[2].arg


def _hyperparameter_names(function: ast.FunctionDef) -> list[str]:
    return [a.arg for a in function.args.kwonlyargs]


def _is_name(node: ast.AST, name: str | None = None) -> bool:
    return isinstance(node, ast.Name) and (name is None or node.id == name)


def _is_sqrt(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "sqrt" and _is_name(node.func.value, "math") and len(node.args) == 1)


def _state_key(node: ast.AST, state: str) -> str | None:
    """``"m"`` for ``state["m"]``, else None."""
    if (isinstance(node, ast.Subscript) and _is_name(node.value, state)
            and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)):
        return node.slice.value
    return None


def _one_minus(node: ast.AST) -> str | None:
    """``"beta1"`` for ``1 - beta1``, else None."""
    if (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and isinstance(node.left, ast.Constant)
            and node.left.value == 1 and _is_name(node.right)):
        return node.right.id
    return None


def _edits(function: ast.FunctionDef, matches: Callable[[ast.AST], bool],
           replace: Callable[[ast.AST], ast.AST]) -> Iterator[ast.FunctionDef]:
    """One edited copy of ``function`` per node that ``matches``, that node replaced."""
    count = sum(1 for node in ast.walk(function) if matches(node))
    for target in range(count):
        yield _Edit(matches, replace, target).visit(copy.deepcopy(function))


class _Edit(ast.NodeTransformer):
    """Replace the ``target``-th node that ``matches`` (in visiting order)."""

    def __init__(self, matches, replace, target: int) -> None:
        self.matches, self.replace, self.target, self.seen = matches, replace, target, -1

    def visit(self, node):
        if self.matches(node):
            self.seen += 1
            if self.seen == self.target:
                return self.replace(node)
        return self.generic_visit(node)


def _edit_all(function: ast.FunctionDef, matches: Callable[[ast.AST], bool],
              replace: Callable[[ast.AST], ast.AST]) -> Iterator[ast.FunctionDef]:
    """One edited copy of ``function`` with every node that ``matches`` replaced (if there is one)."""
    if not any(matches(node) for node in ast.walk(function)):
        return

    class Edit(ast.NodeTransformer):
        def visit(self, node):
            return replace(self.generic_visit(node)) if matches(node) else self.generic_visit(node)

    yield Edit().visit(copy.deepcopy(function))


def _replace_names(tree: ast.AST, name: str, by: Callable[[], ast.AST]) -> ast.AST:
    """A copy of ``tree`` where every read of ``name`` is ``by()``."""
    edited = copy.deepcopy(tree)

    class Replace(ast.NodeTransformer):
        def visit_Name(self, node):
            return by() if node.id == name and isinstance(node.ctx, ast.Load) else node

    return Replace().visit(edited)


def _assigned_name(statement: ast.stmt) -> str | None:
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and _is_name(statement.targets[0]):
        return statement.targets[0].id
    return None


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement, nested ones (inside if/for) included, in order."""
    for statement in body:
        yield statement
        for field in ("body", "orelse"):
            yield from _statements(getattr(statement, field, []))


# ----------------------------------------------------------------- kinds of mistakes
def _wrong_sign(function):
    p, _ = _names(function)

    def matches(node):
        return (isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Sub)
                and isinstance(node.target, ast.Attribute) and node.target.attr == "data"
                and _is_name(node.target.value, p))

    for edited in _edits(function, matches, lambda node: ast.AugAssign(node.target, ast.Add(), node.value)):
        yield ("wrong sign", "the parameter moves the wrong way: θ ← θ - update steps against the "
               "gradient (downhill). Check the sign of the last line (-=, not +=).", edited)


def _eps_inside_sqrt(function):
    def matches(node):
        return (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and _is_sqrt(node.left)
                and _is_name(node.right, "eps"))

    def replace(node):
        inside = ast.BinOp(node.left.args[0], ast.Add(), node.right)
        return ast.Call(node.left.func, [inside], [])

    for edited in _edit_all(function, matches, replace):
        yield ("eps inside sqrt", "eps sits outside the square root: √v̂ + ε, not √(v̂ + ε) "
               "(frameworks differ here: pytorch#23796, optax#532).", edited)


def _sqrt_forgotten(function):
    for edited in _edit_all(function, _is_sqrt, lambda node: node.args[0]):
        yield ("square root forgotten", "the square root is missing: divide by the root of the "
               "running mean of g² (√v̂ + ε, a root-mean-square), not by the mean itself.", edited)


def _square_forgotten(function):
    def matches(node):  # g * g, or (...) * g * g
        if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and _is_name(node.right, "g")):
            return False
        left = node.left
        return _is_name(left, "g") or (isinstance(left, ast.BinOp) and isinstance(left.op, ast.Mult)
                                       and _is_name(left.right, "g"))

    for edited in _edit_all(function, matches, lambda node: node.left):
        yield ("g not squared", NEGATIVE_V_HINT, edited)


NEGATIVE_V_HINT = ("v went negative (a square root of a negative number): v is a running mean of "
                   "g², and a mean of squares is never negative. Square the gradient (g * g), and "
                   "check that (1 - β) multiplies g², not that it is subtracted.")


def _no_bias_correction(function):
    def matches(node):
        return (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)
                and isinstance(node.right, ast.BinOp) and isinstance(node.right.op, ast.Sub)
                and isinstance(node.right.left, ast.Constant)
                and isinstance(node.right.right, ast.BinOp) and isinstance(node.right.right.op, ast.Pow)
                and _is_name(node.right.right.right, "t"))

    edited = copy.deepcopy(function)

    class Drop(ast.NodeTransformer):
        def visit_BinOp(self, node):
            return self.visit(node.left) if matches(node) else self.generic_visit(node)

    if any(matches(node) for node in ast.walk(function)):
        yield ("no bias correction", "bias correction is missing: m and v start at 0, so divide them "
               "by (1 - β₁ᵗ) and (1 - β₂ᵗ): m_hat = m / (1 - β₁ᵗ), v_hat = v / (1 - β₂ᵗ).",
               Drop().visit(edited))


def _state_init(function) -> ast.Call | None:
    """The ``state.update(step=0, ...)`` call that creates the state at the first step."""
    _, state = _names(function)
    for node in ast.walk(function):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update"
                and _is_name(node.func.value, state)):
            return node
    return None


def _step_from_zero(function):
    init = _state_init(function)
    if init is None or not any(k.arg == "step" for k in init.keywords) or not _uses_t(function):
        return
    edited = copy.deepcopy(function)
    for keyword in _state_init(edited).keywords:
        if keyword.arg == "step":  # the first step then reads t = -1 + 1 = 0
            keyword.value = ast.Constant(-1)
    yield ("step count starting at 0", STEP_FROM_ZERO_HINT, edited)


STEP_FROM_ZERO_HINT = ("the step count starts at 0: t must be 1 at the first step (add 1 to it "
                       "before using it), otherwise 1 - β₁ᵗ = 1 - β₁⁰ = 0 and the bias correction "
                       "divides by zero.")


def _uses_t(function) -> bool:
    return any(_is_name(node, "t") and isinstance(node.ctx, ast.Load) for node in ast.walk(function))


def _step_not_advancing(function):
    _, state = _names(function)
    if not _uses_t(function):
        return
    edited = copy.deepcopy(function)
    changed = False
    for statement in _statements(edited.body):
        if isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Tuple) and isinstance(
                statement.value, ast.Tuple):
            for i, target in enumerate(statement.targets[0].elts):
                if _state_key(target, state) == "step":
                    statement.value.elts[i] = copy.deepcopy(target)  # state["step"] = state["step"]
                    statement.value.elts[i].ctx = ast.Load()
                    changed = True
    if changed:
        yield ("step count not advancing", "the step count t does not grow: store it in state and add "
               "1 at every step, so that the bias correction (1 - β₁ᵗ) fades out.", edited)


def _previous_value(function):
    """For each running quantity N read from state: the update uses N from the step before."""
    _, state = _names(function)
    for name, key in _running_quantities(function):
        edited = copy.deepcopy(function)
        previous = ast.parse(f"_previous = dict({state})").body[0]
        edited.body.insert(0, previous)
        after = False
        for statement in _statements(edited.body):
            if after and not _stores_state(statement, state):
                _read_previous(statement, name, key)
            if _assigned_name(statement) == name:
                after = True
        if ast.dump(edited) != ast.dump(function):
            yield (f"used the previous {name}",
                   f"the update uses the previous {name}: compute the new {name} first (from the "
                   f"one in state and this step's g), then use that new {name} in the lines after "
                   f"it: step t uses {name}ₜ, not {name}ₜ₋₁.", edited)


def _running_quantities(function) -> list[tuple[str, str]]:
    """(local name, state key) for each ``N = ... state["K"] ...`` (the step count excluded)."""
    _, state = _names(function)
    found = []
    for statement in _statements(function.body):
        name = _assigned_name(statement)
        keys = [k for node in ast.walk(statement.value) if (k := _state_key(node, state))] if name else []
        if keys and keys[0] != "step" and (name, keys[0]) not in found:
            found.append((name, keys[0]))
    return found


def _stores_state(statement: ast.stmt, state: str) -> bool:
    targets = statement.targets if isinstance(statement, ast.Assign) else []
    elements = [e for t in targets for e in (t.elts if isinstance(t, ast.Tuple) else [t])]
    return any(_state_key(e, state) for e in elements)


def _read_previous(node: ast.AST, name: str, key: str) -> None:
    """Reads of ``name`` in this statement (not in the statements nested in it) become the previous value."""
    for field, value in ast.iter_fields(node):
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            continue  # nested statements are visited on their own
        for child in value if isinstance(value, list) else [value]:
            if _is_name(child, name) and isinstance(child.ctx, ast.Load):
                if isinstance(value, list):
                    value[value.index(child)] = _previous_read(key)
                else:
                    setattr(node, field, _previous_read(key))
            elif isinstance(child, ast.AST):
                _read_previous(child, name, key)


def _previous_read(key: str) -> ast.expr:
    return ast.parse(f"_previous.get({key!r}, 0.0)", mode="eval").body


def _betas_swapped(function):
    def factors(node):
        while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            yield node
            node = node.left

    def pair(node):
        """(left product whose first factor is β, right product whose first factor is 1 - β)."""
        if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add)):
            return None
        left = [f for f in factors(node.left) if _is_name(f.left)]
        right = [f for f in factors(node.right) if _one_minus(f.left)]
        if left and right and left[-1].left.id == _one_minus(right[-1].left):
            return left[-1], right[-1]
        return None

    def replace(node):
        left, right = pair(node)
        beta = left.left.id
        left.left, right.left = ast.parse(f"(1 - {beta})", mode="eval").body, ast.Name(beta, ast.Load())
        return node

    for statement in _statements(function.body):
        name = _assigned_name(statement)
        if name and pair(statement.value) is not None:
            beta = pair(statement.value)[0].left.id
            index = [s for s in _statements(function.body)].index(statement)
            edited = copy.deepcopy(function)
            target = list(_statements(edited.body))[index]
            target.value = replace(target.value)
            yield (f"{beta} and 1 - {beta} swapped in {name}",
                   f"{beta} and 1 - {beta} are swapped in {name}: the old {name} keeps the weight "
                   f"{beta} (close to 1) and the new term gets 1 - {beta}.", edited)


FLAG_HINTS = {
    "maximize": "maximize=True is ignored: with maximize, negate the gradient first, g ← -∇f(θ), "
                "so that θ moves uphill.",
    "nesterov": "nesterov=True is ignored: with Nesterov momentum the direction is g + μb, not b.",
    "amsgrad": "amsgrad=True is ignored: keep v_max ← max(v_max, v) in state and use it in place of v.",
    "centered": "centered=True is ignored: subtract the square of the running mean of g, "
                "√(E[g²] - E[g]²), so the denominator is a standard deviation.",
    "decoupled_weight_decay": "decoupled weight decay is ignored: with decoupled_weight_decay (AdamW), "
                              "shrink θ ← θ(1 - γλ) before the step instead of adding λθ to g.",
}


def _flag_ignored(function):
    for flag in _hyperparameter_names(function):
        if flag in FLAG_HINTS and flag != "decoupled_weight_decay":
            yield (f"{flag} ignored", FLAG_HINTS[flag], _replace_names(function, flag, lambda: ast.Constant(False)))


def _weight_decay(function):
    names = _hyperparameter_names(function)
    if "weight_decay" not in names:
        return
    yield ("weight decay ignored", "weight_decay seems to be ignored: with λ > 0, add λθ to g "
           "(coupled, L2) or shrink θ ← θ(1 - γλ) (decoupled, AdamW) before the step.",
           _replace_names(function, "weight_decay", lambda: ast.Constant(0.0)))
    if "decoupled_weight_decay" in names:
        yield ("coupled and decoupled weight decay confused",
               "coupled and decoupled weight decay are swapped: Adam's weight_decay is L2 (g ← g + λθ, "
               "then divided by √v̂ like the gradient), AdamW's is decoupled (θ ← θ(1 - γλ) before "
               "the step) (pytorch PRs #41679, #43055).",
               _replace_names(function, "decoupled_weight_decay",
                              lambda: ast.UnaryOp(ast.Not(), ast.Name("decoupled_weight_decay", ast.Load()))))
    p, _ = _names(function)
    decay = [s for s in function.body if isinstance(s, ast.If)  # a decay that moves θ itself (decoupled)
             and any(_is_name(n, "weight_decay") for n in ast.walk(s.test))
             and any(isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Attribute)
                     and _is_name(n.target.value, p) for n in ast.walk(s))]
    if decay:
        edited = copy.deepcopy(function)
        index = function.body.index(decay[0])
        edited.body.append(edited.body.pop(index))
        yield ("decoupled decay applied after the update",
               "weight decay is applied after the update: apply it first, at the θ the gradient was "
               "computed for (coupled: g ← g + λθ; decoupled: θ ← θ(1 - γλ) before the step).", edited)

    coupled = [s for s in _statements(function.body) if _assigned_name(s) == "g"
               and any(_is_name(n, "weight_decay") for n in ast.walk(s.value))]
    if coupled:  # the coupled decay taken out of g and made a step of its own, after the update
        edited = copy.deepcopy(function)
        for statement in _statements(edited.body):
            if ast.dump(statement) == ast.dump(coupled[0]):
                statement.value = ast.Name("g", ast.Load())
        edited.body.append(ast.parse(f"if weight_decay != 0:\n    {p}.data -= lr * weight_decay * {p}.data").body[0])
        yield ("weight decay applied after the update",
               "weight decay is applied after the update: apply it first, at the θ the gradient was "
               "computed for (coupled: g ← g + λθ; decoupled: θ ← θ(1 - γλ) before the step).", edited)

    def without_lr(node):
        return (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and _is_name(node.left, "lr")
                and _is_name(node.right, "weight_decay"))

    for edited in _edits(function, without_lr, lambda node: node.right):
        yield ("decoupled decay without the learning rate",
               "the decoupled decay must be multiplied by the learning rate: θ ← θ(1 - γλ), not θ(1 - λ).",
               edited)


def _state_not_kept(function):
    _, state = _names(function)
    edited = copy.deepcopy(function)
    edited.body.insert(0, ast.parse(f"{state} = {{}}").body[0])
    yield ("state not kept", "your update starts from scratch at every step: keep the running "
           "quantities (m, v, the momentum buffer, the step count) in `state`, the dict kept for "
           "this parameter between steps, and read them back at the next step.", edited)


def _momentum_buffer_from_zero(function):
    _, state = _names(function)

    def matches(node):  # if "momentum_buffer" not in state: b = g
        return (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)
                and isinstance(node.test.ops[0], ast.NotIn) and _is_name(node.test.comparators[0], state)
                and "dampening" in _hyperparameter_names(function) and _assigned_name(node.body[0]))

    def replace(node):
        node.body[0].value = ast.BinOp(ast.parse("(1 - dampening)", mode="eval").body, ast.Mult(),
                                       node.body[0].value)
        return node

    for edited in _edits(function, matches, replace):
        yield ("momentum buffer started at zero",
               "the momentum buffer starts at zero (or is dampened on the first step): PyTorch starts "
               "it at g itself, b ← g, and applies b ← μb + (1 - τ)g from the second step on "
               "(pytorch PR #152833).", edited)


def _dampening_ignored(function):
    if "dampening" in _hyperparameter_names(function):
        yield ("dampening ignored",
               "your steps are momentum without dampening (the CS231n velocity form v ← μv - γg, "
               "θ ← θ + v, is this): with dampening τ the new gradient enters the buffer as "
               "(1 - τ)g: b ← μb + (1 - τ)g (from the second step on).",
               _replace_names(function, "dampening", lambda: ast.Constant(0.0)))


def _lr_decay_early(function):
    def matches(node):  # (t - 1) * lr_decay
        return (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and _is_name(node.right, "lr_decay")
                and isinstance(node.left, ast.BinOp) and isinstance(node.left.op, ast.Sub)
                and _is_name(node.left.left, "t"))

    for edited in _edits(function, matches, lambda node: ast.BinOp(node.left.left, ast.Mult(), node.right)):
        yield ("lr_decay one step early", "the learning rate decays one step early: the first step uses "
               "the full lr, clr = lr / (1 + (t - 1) · lr_decay) with t = 1, 2, ...", edited)


def _efficient_adam(function):
    """Kingma & Ba's section 2 form: α_t = α√(1-β₂ᵗ)/(1-β₁ᵗ), θ ← θ - α_t m/(√v + ε̂).

    It equals Adam with ε replaced by ε̂/√(1-β₂ᵗ), which is how it is built from the reference.
    """
    names = {n.id for n in ast.walk(function) if isinstance(n, ast.Name)}
    if not {"beta2", "t", "m_hat", "v_hat", "eps"} <= names:
        return
    edited = copy.deepcopy(function)
    for statement in _statements(edited.body):
        if _assigned_name(statement) == "update":
            statement.value = _replace_names(statement.value, "eps", lambda: ast.parse(
                "eps / math.sqrt(1 - beta2 ** t)", mode="eval").body)
    yield ("the efficient form of Adam", EFFICIENT_ADAM_HINT, edited)


EFFICIENT_ADAM_HINT = (
    "your steps match Kingma & Ba's \"efficient\" form of Adam (section 2 of the paper): "
    "α_t = α √(1 - β₂ᵗ) / (1 - β₁ᵗ), θ ← θ - α_t m / (√v + ε̂). It is a correct Adam, but its ε̂ "
    "is PyTorch's ε √(1 - β₂ᵗ), so the two differ where √v̂ is as small as ε (on the flat bowl "
    "here, by about 1e-3 of a step). To match PyTorch, add ε to √v̂: m_hat / (√v_hat + ε).")

KINDS: tuple[Kind, ...] = (  # in order of precedence: the first that reproduces the numbers wins
    _flag_ignored, _wrong_sign, _efficient_adam, _eps_inside_sqrt, _no_bias_correction, _step_from_zero,
    _step_not_advancing, _sqrt_forgotten, _square_forgotten, _momentum_buffer_from_zero, _dampening_ignored,
    _lr_decay_early, _previous_value, _betas_swapped, _state_not_kept, _weight_decay,
)


def catalogue(reference: type) -> list[Mistake]:
    """Every mistake the reference's code allows, in order of precedence."""
    return list(_catalogue(reference_update(reference)))


@functools.lru_cache(maxsize=None)
def _catalogue(update: Callable) -> tuple[Mistake, ...]:
    function = _parse(update)
    found = []
    for kind in KINDS:
        for name, hint, edited in kind(function):
            if ast.dump(edited) != ast.dump(function):
                found.append(Mistake(name, hint, edited))
    return tuple(found)


def wrong_defaults(student: type, reference: type, given: dict[str, Any]) -> list[Mistake]:
    """The student's ``__init__`` defaults that differ from the reference's (and were not passed)."""
    try:
        mine = inspect.signature(student.__init__).parameters
        theirs = inspect.signature(reference.__init__).parameters
    except (TypeError, ValueError):
        return []
    found = []
    for name, parameter in mine.items():
        if name in given or name not in theirs or parameter.default is parameter.empty:
            continue
        default, expected = parameter.default, theirs[name].default
        if expected is not parameter.empty and default != expected:
            found.append(Mistake(
                f"default {name}",
                f"your default {name}={default!r} differs from {reference.__name__}'s {name}={expected!r} "
                f"(PyTorch's): someone who does not pass {name} gets another optimizer.",
                hyperparameters={name: default}))
    return found


# ----------------------------------------------------------------- students' code
PYTORCH_STATE_NAMES = {"m": "exp_avg", "v": "exp_avg_sq", "v_max": "max_exp_avg_sq", "sum_sq": "sum"}


def student_source(reference: type, mistake: Mistake | None = None, *, style: str = "update",
                   class_name: str | None = None) -> str:
    """The reference (with ``mistake``) as a student's ``Optimizer`` subclass, in source code.

    ``style="update"`` writes microopt's ``update(self, p, state, *, ...)``; ``style="step"``
    a PyTorch-style ``step()`` looping over ``self.param_groups``, with PyTorch's state names
    (``exp_avg`` for m...). The class has no microopt algorithm among its bases, so
    ``check_optimizer`` checks it like a student's own. ``style="functions"`` writes the pair
    ``<name>_init(params)`` / ``<name>_update(params, grads, state, *, ...)`` of
    ``microopt.exercises.functional`` instead (``name`` defaults to the algorithm's, lower
    case), its state a list of per-parameter dicts.
    """
    function = copy.deepcopy(mistake.function if mistake and mistake.function else
                             _parse(reference_update(reference)))
    defaults = reference([Value(0.0)]).defaults
    if mistake and mistake.hyperparameters:
        defaults = {**defaults, **mistake.hyperparameters}
    for node in ast.walk(function):  # annotations: not what a student writes
        if isinstance(node, ast.arg):
            node.annotation = None
    function.returns = None
    name = class_name or (reference.__name__.lower() if style == "functions" else f"My{reference.__name__}")
    arguments = ", ".join(f"{k}={v!r}" for k, v in defaults.items())
    init = (f"    def __init__(self, params, {arguments}):\n"
            f"        super().__init__(params, dict({', '.join(f'{k}={k}' for k in defaults)}))\n")
    imports = "".join(f"from {module} import {helper}\n" for helper, module in _helpers(reference, function))
    if style == "functions":
        functions = _as_functions(function, defaults, name)
        return f"import math\nfrom types import SimpleNamespace\n\n{imports}\n\n{functions}"
    if style == "update":
        method = textwrap.indent(ast.unparse(function), "    ")
    elif style == "step":
        method = _as_step(function, list(defaults))
    else:
        raise ValueError(f"Invalid style: {style!r} (must be 'update', 'step' or 'functions').")
    return (f"import math\n\n{imports}from microopt.optim import Optimizer\n\n\nclass {name}(Optimizer):\n"
            f"{init}\n{method}\n")


def _helpers(reference: type, function: ast.FunctionDef) -> list[tuple[str, str]]:
    """(name, module) of the module-level helpers the update uses (``sign``), to import them."""
    namespace = reference_update(reference).__globals__
    used = sorted({n.id for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)})
    return [(n, namespace[n].__module__) for n in used
            if n in namespace and n != "math" and callable(namespace[n]) and hasattr(namespace[n], "__module__")]


def _as_step(function: ast.FunctionDef, hyperparameters: list[str]) -> str:
    p, state = _names(function)

    class Rename(ast.NodeTransformer):
        def visit_Constant(self, node):
            if isinstance(node.value, str):
                return ast.Constant(PYTORCH_STATE_NAMES.get(node.value, node.value))
            return node

        def visit_keyword(self, node):
            node.arg = PYTORCH_STATE_NAMES.get(node.arg, node.arg)
            return self.generic_visit(node)

        def visit_Return(self, node):
            return ast.Continue()

    body = Rename().visit(ast.Module(body=function.body, type_ignores=[])).body
    loop = "\n".join(ast.unparse(s) for s in body)
    reads = "\n".join(f"{h} = group[{h!r}]" for h in hyperparameters if h in _hyperparameter_names(function))
    return ("    def step(self):\n"
            "        for group in self.param_groups:\n"
            f"{textwrap.indent(reads, ' ' * 12)}\n"
            f"            for {p} in group['params']:\n"
            f"                {state} = self.state[{p}]\n"
            f"{textwrap.indent(loop, ' ' * 16)}\n")


def _as_functions(function: ast.FunctionDef, defaults: dict[str, Any], name: str) -> str:
    """The update's body, verbatim, inside ``<name>_update``: run once per parameter on copies."""
    p, state = _names(function)
    body = textwrap.indent("\n".join(ast.unparse(s) for s in function.body), " " * 8)
    keywords = ", ".join(f"{k}={v!r}" for k, v in defaults.items())
    return (f"def {name}_init(params):\n"
            f"    return [{{}} for _ in params]  # one dict of state per parameter\n\n\n"
            f"def {name}_update(params, grads, state, *, {keywords}):\n"
            f"    def one({p}, {state}):\n{body}\n\n"
            f"    new_params, new_state = [], []\n"
            f"    for value, grad, old in zip(params, grads, state):\n"
            f"        {p}, {state}_ = SimpleNamespace(data=value, grad=grad), dict(old)\n"
            f"        one({p}, {state}_)\n"
            f"        new_params.append({p}.data)\n"
            f"        new_state.append({state}_)\n"
            f"    return new_params, new_state\n")
