"""The run-time half of the ``@nx.defn`` rewrite: Python control flow that
becomes ``nx.cond`` / ``nx.while_loop`` when its test is a traced tensor.

:mod:`nx_ref.defn.rewrite` turns ``if``, ``while``, ``for ... in range(...)``,
``a if c else b``, ``and``, ``or``, ``not``, chained comparisons and ``assert``
of a defn into calls to the functions here. Each one looks at the values it
gets: with Python values (numbers, eager tensors, anything not being traced)
it does exactly what Python does; with a traced tensor it builds graph nodes
through :mod:`nx_ref.defn.control`.

The state of a statement is the tuple of the variables its blocks assign, in
the order of ``names``; a variable not assigned yet is passed as
:data:`~nx_ref.defn.undefined.UNBOUND`. Branch and body functions take the
state as arguments and return it (or, for an ``if`` whose branches end in
``return``, return the function's result).

What happens to traced values:

* A variable assigned in one branch of a traced ``if``, or first assigned
  inside a traced loop, has no value afterwards: it holds an
  :class:`~nx_ref.defn.undefined.Undefined` whose every use raises an error
  naming it and the line of the construct.
* ``while``: a Python loop as long as the test gives Python values; from the
  first traced test on (also mid-way), one ``nx.while_loop`` over the assigned
  variables that have a value.
* ``for i in range(...)``: a Python loop (unrolled while tracing) when no
  ``range`` argument and no assigned variable is traced at the start; else an
  ``nx.while_loop`` whose counter ``i`` is an s32 tensor. Afterwards ``i`` is
  the last value of the range (a Python int) when the bounds are Python ints,
  else the counter minus the step (a tensor; Python's value whenever the loop
  ran at least once). Iterate over ``list(range(n))`` to force unrolling.
* ``and``, ``or``, ``not`` and chained comparisons of traced tensors become
  ``nx.logical_and``/``logical_or``/``logical_not`` (both sides evaluated, the
  result a boolean tensor, as in Nx's defn), short-circuiting Python otherwise.

>>> if_stmt(3 > 2, lambda y: ("then",), lambda y: ("else",), (UNBOUND,), ("y",), ("f.py", 1))
('then',)
>>> and_(0, lambda: 1 / 0), or_(0, lambda: 2), not_([])
(0, 2, True)
"""

from __future__ import annotations

import builtins
import operator

from spec import types
from spec.errors import ArgumentError, TypeError_
from nx_ref.defn.undefined import UNBOUND, Undefined, location

__all__ = ["UNBOUND", "pack", "truth", "static", "returned", "if_stmt", "if_return", "if_exp",
           "while_stmt", "for_range", "and_", "or_", "not_", "compare"]


# --- the traced world, imported late (control is built alongside this module)

def is_traced(value) -> bool:
    """Whether ``value`` is a tensor being traced (an Expr tensor)."""
    from nx_ref.defn import control
    return control.is_traced(value)


def cond(pred, on_true, on_false):
    from nx_ref.defn import control
    return control.cond(pred, on_true, on_false)


def while_loop(cond_fun, body_fun, init):
    from nx_ref.defn import control
    return control.while_loop(cond_fun, body_fun, init)


def _nx():
    import nx_ref
    return nx_ref


# --- small helpers the rewritten code calls

def pack(local_vars, names):
    """The state tuple: each name's value in ``local_vars`` (the caller's
    ``locals()``), or UNBOUND.

    >>> pack({"a": 1}, ("a", "b"))
    (1, <unbound>)
    """
    return tuple(local_vars.get(name, UNBOUND) for name in names)


def _refusal(construct, where, reason):
    target = "nx.cond" if construct == "if" else "nx.while_loop"
    hint = ("use nx.select or nx.cond" if construct == "if" else "use nx.while_loop")
    return (f"the {construct} at {location(where)} cannot become {target} because {reason}; "
            f"{hint}")


def truth(value, construct, where, reason):
    """``value`` for a Python test the rewrite could not turn into graph
    nodes; a traced tensor raises an error naming the construct and why.

    >>> truth(1, "if", ("f.py", 4), "its branch contains `break`")
    1
    """
    if is_traced(value):
        if construct == "assert":
            raise ArgumentError(
                f"the assert at {location(where)} needs a Python value but its test is a "
                f"traced tensor (its value is only known when the defn runs); use "
                f"nx.select or nx.cond to act on it")
        raise ArgumentError(_refusal(construct, where, reason))
    return value


def static(value, construct, where, reason):
    """``value`` (a ``range`` argument of a loop kept as a Python loop); a
    traced tensor raises as in :func:`truth`."""
    if is_traced(value):
        raise ArgumentError(_refusal(construct, where, reason))
    return value


def returned(value):
    """``value``, returned by the function: a variable without a value in it
    (a leaf of a tuple, list or dict) raises its error here.

    >>> returned((1, [2]))
    (1, [2])
    """
    if isinstance(value, Undefined):
        value.error()
    if isinstance(value, (tuple, list)):
        for item in value:
            returned(item)
    elif isinstance(value, dict):
        for item in value.values():
            returned(item)
    return value


def _traced_leaf(value) -> bool:
    if isinstance(value, (tuple, list)):
        return any(_traced_leaf(v) for v in value)
    if isinstance(value, dict):
        return any(_traced_leaf(v) for v in value.values())
    return is_traced(value)


# --- if

def _mark_unset(state, names, where):
    """A branch's result for ``cond``: an UNBOUND entry becomes a named
    Undefined marker, and so does a value that cannot leave a traced if
    (a function, a string...: only tensors and numbers can be merged)."""
    marked = []
    for name, value in zip(names, state):
        if value is UNBOUND:
            value = Undefined(name, "is assigned only in one branch of the if", where)
        elif not _mergeable(value):
            value = Undefined(name, f"holds {value.__class__.__name__} {value!r:.40} in a "
                                    f"branch of the if, and only tensors, numbers and "
                                    f"containers of them can leave a traced if", where)
        marked.append(value)
    return tuple(marked)


def _mergeable(value) -> bool:
    if isinstance(value, (tuple, list)):
        return all(map(_mergeable, value))
    if isinstance(value, dict):
        return all(map(_mergeable, value.values()))
    return isinstance(value, (Undefined, _nx().Tensor, bool, int, float, complex)) or is_traced(value)


def if_stmt(test, then_fn, else_fn, state, names, where):
    """An ``if`` statement: the new state after the branch ``test`` picks,
    or, when ``test`` is traced, the ``nx.cond`` of both branches (a variable
    assigned in one branch only comes back :class:`Undefined`)."""
    if not is_traced(test):
        return then_fn(*state) if test else else_fn(*state)
    result = cond(test,
                  lambda: _mark_unset(then_fn(*state), names, where),
                  lambda: _mark_unset(else_fn(*state), names, where))
    return tuple(result)


def if_return(test, then_fn, else_fn, state, where):
    """An ``if`` whose branches both end in ``return``: the function's result."""
    if not is_traced(test):
        return then_fn(*state) if test else else_fn(*state)
    return cond(test, lambda: then_fn(*state), lambda: else_fn(*state))


def if_exp(test, then_thunk, else_thunk, where):
    """``a if test else b``, with ``a`` and ``b`` as thunks.

    >>> if_exp(0, lambda: "a", lambda: "b", ("f.py", 1))
    'b'
    """
    if not is_traced(test):
        return then_thunk() if test else else_thunk()
    return cond(test, then_thunk, else_thunk)


# --- and, or, not

def and_(first, *thunks):
    """``a and b and ...``: Python's short circuit, ``nx.logical_and`` once a
    value is traced (the rest is then always evaluated)."""
    value = first
    for thunk in thunks:
        if is_traced(value):
            value = _nx().logical_and(value, thunk())
        elif not value:
            return value
        else:
            value = thunk()
    return value


def or_(first, *thunks):
    """``a or b or ...``: Python's short circuit, ``nx.logical_or`` once a
    value is traced."""
    value = first
    for thunk in thunks:
        if is_traced(value):
            value = _nx().logical_or(value, thunk())
        elif value:
            return value
        else:
            value = thunk()
    return value


_COMPARISONS = {
    "Lt": operator.lt, "LtE": operator.le, "Gt": operator.gt, "GtE": operator.ge,
    "Eq": operator.eq, "NotEq": operator.ne, "Is": operator.is_, "IsNot": operator.is_not,
    "In": lambda a, b: a in b, "NotIn": lambda a, b: a not in b,
}


def compare(left, *links):
    """A chained comparison ``left op1 b op2 c ...``; ``links`` holds
    ``(op name, thunk)`` pairs (the names of Python's ``ast`` comparison
    operators). As Python: each operand is evaluated once, and the chain stops
    at the first false comparison; traced comparisons are joined with
    ``nx.logical_and``.

    >>> compare(1, ("Lt", lambda: 2), ("Lt", lambda: 3)), compare(3, ("Lt", lambda: 2), ("Lt", lambda: 1 / 0))
    (True, False)
    """
    def comparisons():
        nonlocal left
        for op, thunk in links:
            right = thunk()
            yield _COMPARISONS[op](left, right)
            left = right

    results = comparisons()
    return and_(next(results), *[lambda: next(results)] * (len(links) - 1))


def not_(value):
    """``not value``: ``nx.logical_not`` of a traced tensor."""
    if is_traced(value):
        return _nx().logical_not(value)
    return not value


# --- loops

def while_stmt(test_fn, body_fn, state, names, where):
    """A ``while`` loop over ``state``: a Python loop while the test gives
    Python values; from the first traced test on, one ``nx.while_loop``."""
    while True:
        test = test_fn(*state)
        if is_traced(test):
            return _traced_loop(test_fn, body_fn, state, names, where, "while")[1]
        if not test:
            return state
        state = body_fn(*state)


def _unset_after(name, construct, where):
    return Undefined(name, f"is first assigned inside the traced {construct} loop", where)


def _traced_loop(test_fn, body_fn, state, names, where, construct, prefix=()):
    """``nx.while_loop`` over the assigned variables of ``state``: the unset
    ones stay out (and are Undefined after the loop). ``prefix`` holds extra
    carried leading values (a ``for`` loop's counter) that ``test_fn`` and
    ``body_fn`` receive and return in front of the state."""
    carried = [k for k, value in enumerate(state) if not isinstance(value, Undefined)]
    for k in carried:
        _check_carriable(names[k], state[k], construct, where)

    def full(values):
        whole = list(state)
        for k, value in zip(carried, values):
            whole[k] = value
        return whole

    def cond_fun(values):
        values = tuple(values)
        return test_fn(*values[:len(prefix)], *full(values[len(prefix):]))

    def body_fun(values):
        values = tuple(values)
        lead = values[:len(prefix)]
        out = body_fn(*lead, *full(values[len(prefix):]))
        lead_out, rest = out[:len(prefix)], out[len(prefix):]
        for k in carried:
            _check_same(names[k], values[len(prefix) + carried.index(k)], rest[k],
                        construct, where)
        return (*lead_out, *(rest[k] for k in carried))

    init = (*prefix, *(state[k] for k in carried))
    result = tuple(while_loop(cond_fun, body_fun, init))
    after = [_unset_after(name, construct, where) for name in names]
    for k, value in zip(carried, result[len(prefix):]):
        after[k] = value
    return result[:len(prefix)], tuple(after)


def _check_carriable(name, value, construct, where):
    nx = _nx()
    if isinstance(value, (tuple, list)):
        for item in value:
            _check_carriable(name, item, construct, where)
    elif isinstance(value, dict):
        for item in value.values():
            _check_carriable(name, item, construct, where)
    elif not (isinstance(value, (nx.Tensor, bool, int, float, complex)) or is_traced(value)):
        raise ArgumentError(
            f"variable {name!r} cannot be carried through the {construct} at {location(where)}, "
            f"which became nx.while_loop: it holds {value.__class__.__name__} {value!r:.60}, "
            f"but only tensors, numbers and tuples, lists or dicts of them can change in a "
            f"traced loop")


def _structure(value):
    """The container skeleton of ``value`` and its tensor leaves' type and shape."""
    nx = _nx()
    if isinstance(value, (tuple, list)):
        return (type(value).__name__, tuple(_structure(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple((k, _structure(v)) for k, v in value.items()))
    if isinstance(value, nx.Tensor) or is_traced(value):
        return (str(value.type), tuple(value.shape))
    if isinstance(value, Undefined):
        return ("undefined",)
    return ("number",)


def _same(a, b) -> bool:
    """Structures agree; a number agrees with any number or tensor."""
    containers = ("tuple", "list", "dict")
    if a[0] in containers or b[0] in containers:
        return (a[0] == b[0] and len(a[1]) == len(b[1])
                and all(_same(x, y) if a[0] != "dict" else (x[0] == y[0] and _same(x[1], y[1]))
                        for x, y in zip(a[1], b[1])))
    if "undefined" in (a[0], b[0]):
        return a == b
    return "number" in (a[0], b[0]) or a == b


def _describe(structure):
    kind = structure[0]
    if kind in ("tuple", "list"):
        return f"a {kind} of {len(structure[1])}"
    if kind == "dict":
        return f"a dict with keys {[k for k, _ in structure[1]]}"
    if kind in ("number", "undefined"):
        return "no value" if kind == "undefined" else "a number"
    return f"a {kind} tensor of shape {structure[1]}"


def _check_same(name, before, after, construct, where):
    """A variable must keep its structure, types and shapes through a traced
    loop body (numbers are left for while_loop to type)."""
    a, b = _structure(before), _structure(after)
    if _same(a, b):
        return
    raise ArgumentError(
        f"variable {name!r} changes from {_describe(a)} to {_describe(b)} in the body of the "
        f"{construct} at {location(where)}, which became nx.while_loop: every iteration must "
        f"keep the same structure, types and shapes (give it its final type before the "
        f"loop, for example 0.0 rather than 0)")


def _range_bounds(args, where):
    """``(start, stop, step)`` of ``range(*args)``; traced arguments must be
    integer scalars; a Python step of 0 is Python's ValueError."""
    if not 1 <= len(args) <= 3:
        raise TypeError(f"range expected 1 to 3 arguments, got {len(args)}")
    checked = []
    for value in args:
        if is_traced(value):
            if not types.is_integer(value.type) or tuple(value.shape) != ():
                raise TypeError_(
                    f"the for at {location(where)}: range() arguments must be integer scalars, "
                    f"got a {value.type} tensor of shape {tuple(value.shape)}")
            checked.append(value)
        else:
            checked.append(operator.index(value))
    if len(checked) == 1:
        checked = [0] + checked
    start, stop, step = (checked + [1])[:3]
    if isinstance(step, int) and step == 0:
        raise ValueError("range() arg 3 must not be zero")
    return start, stop, step


def for_range(range_fn, args, body_fn, state, names, where):
    """``for v in range(*args)`` over ``state`` (whose first entry is the loop
    variable): a Python loop when no argument and no state value is traced,
    else one ``nx.while_loop`` with an s32 counter. After a traced loop with
    Python bounds the variable holds the last value of the range (a Python
    int); with traced bounds it holds ``counter - step`` (a tensor), which is
    Python's value whenever the loop ran at least once."""
    if range_fn is not builtins.range or not (any(map(is_traced, args)) or _traced_leaf(state)):
        for value in range_fn(*args):
            state = body_fn(value, *state[1:])
        return tuple(state)
    nx = _nx()
    start, stop, step = _range_bounds(args, where)
    traced_bounds = any(map(is_traced, (start, stop, step)))
    if not traced_bounds:
        steps = range(start, stop, step)
        if not steps:
            return tuple(state)
    if is_traced(step):
        step = nx.as_type(step, "s32")
    counter = nx.as_type(start, "s32") if is_traced(start) else nx.tensor(start, type="s32")

    def test(i, *_state):
        if not is_traced(step):
            return nx.less(i, stop) if step > 0 else nx.greater(i, stop)
        return nx.logical_or(nx.logical_and(nx.greater(step, 0), nx.less(i, stop)),
                             nx.logical_and(nx.less(step, 0), nx.greater(i, stop)))

    def body(i, *rest):
        out = body_fn(i, *rest)
        return (nx.add(i, step), *out[1:])

    (last,), after = _traced_loop(test, body, state[1:], names[1:], where, "for",
                                  prefix=(counter,))
    final = nx.subtract(last, step) if traced_bounds else steps[-1]
    return (final, *after)
