"""Every gradient rule checked against central differences, in f64.

The ops checked are generated from the registry: every primitive of the
Backend protocol that declares a ``grad`` rule. ``CASES`` gives each of them
one or more functions of f64 inputs; a test keeps the table equal to that set,
so a new rule without a checked case fails the suite. (Composite ops expand
into primitives when traced, so their gradients are the primitives'.)

For each case hypothesis draws inputs away from the op's kinks (distinct
values where ties switch the gradient, away from zero where a rule divides),
the op's output is reduced to a scalar with a fixed weighting (every output
element matters, with a different weight), and ``nx.grad`` is compared with
central differences element by element.

Complex inputs follow Nx's convention, read off Nx's own grad tests
(``grad(sum(abs(t)))`` at ``1+1i`` is ``0.7071-0.7071i``, at ``1i`` the
gradient of ``abs(t)**2`` is ``-2i``): for a real loss L of ``z = x + iy``
the gradient is ``dL/dx - i dL/dy`` (twice the Wirtinger derivative
``dL/dz``), so a holomorphic ``f`` propagates ``g * f'(z)`` with no
conjugation. Nx's rules for ``imag`` (``imag(g)``) and hence ``phase``
(built on it in Nx) keep only the real-direction term ``dL/dx``: those two
are checked along real perturbations only, and pinned by ``test_nx_imag_rule``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nx_ref as nx
from nx_ref import backend as _backend
from spec import registry
from spec.errors import ArgumentError

# -- the case records ---------------------------------------------------------------------

@dataclass(frozen=True)
class Dom:
    """Where an input's values are drawn: ``[lo, hi]``, ``|v| >= away``, and all
    the values of the case at least ``gap`` apart when ``gap`` > 0."""

    lo: float = -2.0
    hi: float = 2.0
    away: float = 0.0
    gap: float = 0.0
    complex: bool = False


@dataclass(frozen=True)
class Case:
    """``fun`` of f64 (or c128) tensors of ``shapes``; ``doms`` one per input
    (or one for all); ``directions`` the perturbations checked ("re", "im")."""

    fun: object
    shapes: tuple
    doms: tuple = (Dom(),)
    directions: tuple = ("re", "im")
    label: str = ""

    def dom(self, i):
        return self.doms[i] if len(self.doms) > 1 else self.doms[0]


@dataclass(frozen=True)
class Raises:
    """A rule that raises (Nx's "cannot compute gradient for ...")."""

    fun: object
    shapes: tuple
    match: str
    int_inputs: bool = False


POS = Dom(0.2, 4.0)
UNIT = Dom(-0.9, 0.9)
NONZERO = Dom(-3.0, 3.0, away=0.3)
DISTINCT = Dom(-3.0, 3.0, gap=0.05)
CPLX = Dom(-1.5, 1.5, complex=True)
CPLX_NONZERO = Dom(-1.5, 1.5, away=0.3, complex=True)


def _unary_cases(name, dom=Dom(), complex_dom=None):
    fun = getattr(nx, name)
    cases = [Case(fun, [(2, 3)], (dom,), label=f"{name} f64")]
    if complex_dom is not None:
        cases.append(Case(fun, [(3,)], (complex_dom,), label=f"{name} c128"))
    return cases


SMALL_CPLX = Dom(-0.7, 0.7, complex=True)      # inside the branch cuts of asin, atanh, ...


_UNARY = {
    "exp": (Dom(), CPLX), "expm1": (Dom(), CPLX), "log": (POS, CPLX_NONZERO),
    "log1p": (Dom(-0.5, 3.0), SMALL_CPLX), "sigmoid": (Dom(-4.0, 4.0), CPLX),
    "sqrt": (POS, CPLX_NONZERO), "rsqrt": (POS, CPLX_NONZERO), "cbrt": (NONZERO, CPLX_NONZERO),
    "erf": (Dom(), None), "erfc": (Dom(), None), "erf_inv": (UNIT, None),
    "sin": (Dom(), CPLX), "cos": (Dom(), CPLX), "tan": (Dom(-1.2, 1.2), CPLX),
    "asin": (UNIT, SMALL_CPLX), "acos": (UNIT, SMALL_CPLX), "atan": (Dom(), SMALL_CPLX),
    "sinh": (Dom(), CPLX), "cosh": (Dom(), CPLX), "tanh": (Dom(), CPLX),
    "asinh": (Dom(), SMALL_CPLX), "acosh": (Dom(1.1, 4.0), None), "atanh": (UNIT, SMALL_CPLX),
    "abs": (NONZERO, CPLX_NONZERO), "negate": (Dom(), CPLX), "real": (Dom(), CPLX),
    "conjugate": (Dom(), CPLX),
}


def _w(shape, phase=0.0):
    """A fixed f64 weighting of the shape: distinct, non-zero, mixed signs."""
    n = math.prod(shape)
    values = [math.sin(1.7 * k + 0.4 + phase) + 1.5 * math.cos(0.9 * k + phase) for k in range(n)]
    return nx.reshape(nx.tensor(values, type="f64"), shape)


def _pick(n):
    return nx.tensor([k % 2 == 0 or k % 3 == 0 for k in range(n)], type="u8")


def _idx(data):
    return nx.tensor(data, type="s64")


CONV_OPTS = [
    ({}, [(1, 2, 5, 5), (3, 2, 2, 2)]),
    ({"strides": [2, 1], "padding": [(1, 0), (0, 2)]}, [(2, 2, 4, 5), (2, 2, 3, 2)]),
    ({"input_dilation": [2, 1], "kernel_dilation": [1, 2], "padding": "same"},
     [(1, 1, 3, 5), (2, 1, 2, 2)]),
    ({"feature_group_size": 2}, [(1, 4, 4, 3), (6, 2, 2, 2)]),
    ({"batch_group_size": 2}, [(4, 2, 3, 3), (4, 2, 2, 2)]),
    ({"input_permutation": [0, 3, 1, 2], "output_permutation": [0, 2, 3, 1]},
     [(1, 4, 4, 2), (3, 2, 2, 2)]),
]


CASES = {
    **{name: _unary_cases(name, *doms) for name, doms in _UNARY.items()},
    "imag": [Case(nx.imag, [(2, 3)]), Case(nx.imag, [(3,)], (CPLX,), directions=("re",))],
    "phase": [Case(nx.phase, [(2, 3)], (NONZERO,)),
              Case(nx.phase, [(3,)], (CPLX_NONZERO,), directions=("re",))],
    "add": [Case(nx.add, [(2, 3), (3,)]), Case(nx.add, [(3,), (3,)], (CPLX,))],
    "subtract": [Case(nx.subtract, [(2, 1), (1, 3)]), Case(nx.subtract, [(3,), ()], (CPLX,))],
    "multiply": [Case(nx.multiply, [(2, 3), (2, 3)]), Case(nx.multiply, [(), (2,)]),
                 Case(nx.multiply, [(3,), (3,)], (CPLX,))],
    "divide": [Case(nx.divide, [(2, 3), (3,)], (Dom(), NONZERO)),
               Case(nx.divide, [(3,), (3,)], (CPLX, CPLX_NONZERO))],
    # the cotangent reaches the integer quotient through as_type (as in Nx)
    "quotient": [Raises(lambda x: nx.sum(nx.as_type(nx.quotient(x, 2), "f32")), [(3,)],
                        "cannot compute gradient for nx.quotient/2", int_inputs=True)],
    # x = (f + k) * y with f in (0.1, 0.9): x / y stays away from the integers, where
    # remainder jumps
    "remainder": [Case(lambda f, y: nx.remainder((f + nx.tensor([[-3.0, -1, 0], [2, 1, -2]])) * y, y),
                       [(2, 3), (2, 3)], (Dom(0.1, 0.9), NONZERO))],
    "pow": [Case(nx.pow, [(2, 3), (2, 3)], (POS, Dom())),
            Case(lambda x: nx.pow(x, 3), [(4,)]),
            Case(nx.pow, [(3,), (3,)], (CPLX_NONZERO, CPLX))],
    "atan2": [Case(nx.atan2, [(2, 3), (2, 3)], (NONZERO, NONZERO))],
    "max": [Case(nx.max, [(2, 3), (2, 3)], (DISTINCT,)), Case(nx.max, [(2, 3), ()], (DISTINCT,))],
    "min": [Case(nx.min, [(2, 3), (2, 3)], (DISTINCT,)), Case(nx.min, [(3,), (2, 1)], (DISTINCT,))],
    "complex": [Case(nx.complex, [(2, 3), (2, 3)])],
    "sum": [Case(lambda x: nx.sum(x, axes=[1]), [(2, 3)]), Case(nx.sum, [(2, 2, 2)]),
            Case(lambda x: nx.sum(x, axes=[0, 2], keep_axes=True), [(2, 3, 2)]),
            Case(lambda x: nx.sum(x, axes=[0]), [(3, 2)], (CPLX,))],
    "product": [Case(lambda x: nx.product(x, axes=[0]), [(3, 2)], (NONZERO,)),
                Case(lambda x: nx.product(x, axes=[1], keep_axes=True), [(2, 3)], (NONZERO,)),
                Case(nx.product, [(4,)], (CPLX_NONZERO,))],
    "reduce_max": [Case(lambda x: nx.reduce_max(x, axes=[1]), [(2, 3)], (DISTINCT,)),
                   Case(lambda x: nx.reduce_max(x, keep_axes=True), [(2, 2)], (DISTINCT,))],
    "reduce_min": [Case(lambda x: nx.reduce_min(x, axes=[0]), [(3, 2)], (DISTINCT,)),
                   Case(nx.reduce_min, [(2, 3)], (DISTINCT,))],
    "select": [Case(lambda a, b: nx.select(nx.reshape(_pick(6), (2, 3)), a, b), [(2, 3), (2, 3)]),
               Case(lambda a, b: nx.select(_pick(3), a, b), [(3,), ()])],
    # DISTINCT values lie in [-3 + 0.05 k, -3 + 0.05 k + 0.015]: never within 0.005 of +-1.02
    "clip": [Case(lambda x: nx.clip(x, -1.02, 1.02), [(2, 3)], (DISTINCT,)),
             Case(nx.clip, [(2, 3), (), ()], (DISTINCT,))],
    "gather": [Case(lambda x: nx.gather(x, _idx([[0, 1], [2, 3], [0, 1]])), [(3, 4)]),
               Case(lambda x: nx.gather(x, _idx([[1], [0], [1]]), axes=[1]), [(2, 3)])],
    "indexed_add": [Case(lambda t, u: nx.indexed_add(t, _idx([[0, 1], [2, 3], [0, 1]]), u),
                         [(3, 4), (3,)]),
                    Case(lambda t, u: nx.indexed_add(t, _idx([[1], [0]]), u, axes=[1]),
                         [(2, 3), (2, 2)])],
    "indexed_put": [Case(lambda t, u: nx.indexed_put(t, _idx([[0, 1], [2, 3], [1, 0]]), u),
                         [(3, 4), (3,)]),
                    Case(lambda t, u: nx.indexed_put(t, _idx([[2], [0]]), u, axes=[1]),
                         [(2, 3), (2, 2)])],
    "reshape": [Case(lambda x: nx.reshape(x, (3, 2)), [(2, 3)])],
    "transpose": [Case(lambda x: nx.transpose(x, axes=[1, 2, 0]), [(2, 3, 2)])],
    "squeeze": [Case(lambda x: nx.squeeze(x, axes=[0]), [(1, 3, 1)])],
    "reverse": [Case(lambda x: nx.reverse(x, axes=[1]), [(2, 3)])],
    "concatenate": [Case(lambda a, b: nx.concatenate([a, b, a], axis=1), [(2, 1), (2, 3)])],
    "stack": [Case(lambda a, b: nx.stack([a, b, b], axis=1), [(2, 3), (2, 3)])],
    "slice": [Case(lambda x: nx.slice(x, [1, 0], [2, 3], strides=[1, 2]), [(3, 5)]),
              Case(lambda x: nx.slice(x, [nx.tensor(3), 1], [2, 2]), [(4, 3)])],
    "put_slice": [Case(lambda x, u: nx.put_slice(x, [1, 2], u), [(3, 5), (2, 2)]),
                  Case(lambda x, u: nx.put_slice(x, [2, 4], u), [(3, 5), (2, 2)])],
    "pad": [Case(lambda x, v: nx.pad(x, v, [(1, -1, 1), (2, 0, 0)]), [(3, 2), ()]),
            Case(lambda x: nx.pad(x, 0.5, [(-1, 2, 2)]), [(4,)])],
    "dot": [Case(nx.dot, [(2, 3), (3, 2)]), Case(nx.dot, [(3,), (3,)]),
            Case(lambda a, b: nx.dot(a, b, contract_axes1=[1], batch_axes1=[0],
                                     contract_axes2=[2], batch_axes2=[0]), [(2, 3, 2), (2, 2, 3)]),
            Case(nx.dot, [(2, 2), (2,)], (CPLX,))],
    "conv": [Case(lambda x, k, o=o: nx.conv(x, k, **o), shapes, label=f"conv {o}")
             for o, shapes in CONV_OPTS],
    "sort": [Case(lambda x: nx.sort(x, axis=1), [(2, 4)], (DISTINCT,)),
             Case(lambda x: nx.sort(x, direction="desc"), [(5,)], (DISTINCT,))],
    "window_sum": [Case(lambda x: nx.window_sum(x, [2, 2]), [(3, 4)]),
                   Case(lambda x: nx.window_sum(x, [2, 2], strides=[2, 1], padding=[(1, 1), (0, 1)],
                                                window_dilations=[1, 2]), [(4, 5)])],
    "window_product": [Raises(lambda x: nx.sum(nx.window_product(x, [2])), [(3,)],
                              "cannot compute gradient for nx.window_product/3")],
    "window_max": [Case(lambda x: nx.window_max(x, [2, 2]), [(3, 4)], (DISTINCT,)),
                   Case(lambda x: nx.window_max(x, [2, 2], strides=[2, 1], padding="same"),
                        [(4, 4)], (DISTINCT,)),
                   Case(lambda x: nx.window_max(x, [3], window_dilations=[2], padding=[(1, 2)]),
                        [(6,)], (DISTINCT,))],
    "window_min": [Case(lambda x: nx.window_min(x, [2, 2]), [(3, 4)], (DISTINCT,)),
                   Case(lambda x: nx.window_min(x, [2], strides=[2], padding="same"), [(5,)],
                        (DISTINCT,))],
    "window_reduce": [Raises(lambda x: nx.sum(nx.window_reduce(x, 0.0, [2], lambda a, b: a + b)),
                             [(3,)], "cannot compute gradient for nx.window_reduce/5")],
    "window_scatter_max": [Case(lambda x, s, i: nx.window_scatter_max(x, s, i, [2, 2], strides=[2, 2]),
                                [(4, 4), (2, 2), ()], (DISTINCT,)),
                           Case(lambda x, s, i: nx.window_scatter_max(x, s, i, [2], strides=[1],
                                                                      padding=[(1, 0)]),
                                [(4,), (4,), ()], (DISTINCT,))],
    "window_scatter_min": [Case(lambda x, s, i: nx.window_scatter_min(x, s, i, [2, 2], strides=[1, 2]),
                                [(3, 4), (2, 2), ()], (DISTINCT,))],
    "reduce": [Raises(lambda x: nx.reduce(x, 0.0, lambda a, b: a + b), [(3,)],
                      "cannot compute gradient for nx.reduce/4")],
    "fft": [Case(nx.fft, [(2, 4)], (CPLX,)), Case(nx.fft, [(4,)]),
            Case(lambda x: nx.fft(x, length=6), [(2, 4)], (CPLX,)),
            Case(lambda x: nx.fft(x, length=3, axis=0), [(5, 2)], (CPLX,))],
    "ifft": [Case(nx.ifft, [(2, 4)], (CPLX,)),
             Case(lambda x: nx.ifft(x, length=6), [(3,)], (CPLX,)),
             Case(lambda x: nx.ifft(x, length=2), [(2, 3)], (CPLX,))],
    "broadcast": [Case(lambda x: nx.broadcast(x, (2, 3)), [(3,)]),
                  Case(lambda x: nx.broadcast(x, (2, 3, 2), axes=[0, 2]), [(2, 1)]),
                  Case(lambda x: nx.broadcast(x, (2, 2)), [(2, 2)], (CPLX,))],
    "bitcast": [Case(lambda x: nx.bitcast(nx.bitcast(x, "s64"), "f64"), [(2, 3)])],
    "as_type": [Case(lambda x: nx.as_type(x, "c128"), [(2, 3)]),
                Case(lambda x: nx.cos(nx.as_type(x, "f64")), [(3,)], (CPLX,)),
                Case(lambda x: nx.as_type(x, "f64"), [(3,)])],
}


# The linalg primitives (their rules live in another part of the spec) join CASES as
# soon as they declare a rule. Their inputs are drawn near well-conditioned matrices:
# diagonally dominant with off-diagonal entries away from zero (Householder QR jumps
# where a column below the diagonal is exactly zero), distinct eigen/singular values,
# and sign-free functions of eigen/singular vectors.
SMALL = Dom(-0.2, 0.2)
_LINALG = nx.linalg
_DOMINANT = [[3.0, 0.5, -0.6], [0.7, 2.0, 0.5], [-0.5, 0.8, 1.2]]


def _dominant(a):
    return a + nx.tensor(_DOMINANT, type="f64")


def _symmetric(a):
    diagonal = nx.tensor([[1.0, 0.0, 0.0], [0.0, 2.5, 0.0], [0.0, 0.0, 4.0]], type="f64")
    return (a + nx.transpose(a)) * 0.5 + diagonal


def _squared_vectors(outputs):
    """eigh's and svd's outputs with the vectors squared: free of their signs."""
    return tuple(o if o.rank == 1 else o * o for o in outputs)


LINALG_CASES = {
    "triangular_solve": [
        Case(lambda a, b: _LINALG.triangular_solve(_dominant(a), b), [(3, 3), (3, 2)], (SMALL,)),
        Case(lambda a, b: _LINALG.triangular_solve(_dominant(a), b, lower=False, left_side=False,
                                                   transform_a="transpose"),
             [(3, 3), (2, 3)], (SMALL,))],
    "cholesky": [Case(lambda a: _LINALG.cholesky(nx.dot(_dominant(a), nx.transpose(_dominant(a)))),
                      [(3, 3)], (SMALL,))],
    "qr": [Case(lambda a: _LINALG.qr(_dominant(a)), [(3, 3)], (SMALL,)),
           Case(lambda a: _LINALG.qr(a + nx.tensor([row[:2] for row in _DOMINANT], type="f64")),
                [(3, 2)], (SMALL,))],
    "lu": [Case(lambda a: _LINALG.lu(_dominant(a))[1:], [(3, 3)], (SMALL,))],
    "eigh": [Case(lambda a: _squared_vectors(_LINALG.eigh(_symmetric(a), eps=1e-15)),
                  [(3, 3)], (SMALL,))],
    "svd": [Case(lambda a: _squared_vectors(_LINALG.svd(_dominant(a))), [(3, 3)], (SMALL,))],
}
CASES.update({name: cases for name, cases in LINALG_CASES.items()
              if registry.get(name).grad is not None})


# Composite ops expand into primitives when traced: their gradients come from the
# primitives' rules, checked here the same way. A composite's own ``grad`` rule (kept
# for backends and compilers that record the composite whole) is checked against the
# expansion by ``test_composite_rules_agree_with_their_expansion``: (name, options,
# input shapes, domain), the inputs being the op's tensor parameters.
COMPOSITES = {
    "cumulative_sum": [({"axis": 1}, [(2, 3)], Dom()), ({"reverse": True}, [(4,)], Dom())],
    "cumulative_product": [({"axis": 0}, [(3, 2)], NONZERO), ({"reverse": True}, [(4,)], NONZERO)],
    "cumulative_max": [({"axis": 1}, [(2, 4)], DISTINCT), ({"reverse": True}, [(5,)], DISTINCT)],
    "cumulative_min": [({}, [(4, 2)], DISTINCT)],
    "top_k": [({"k": 2}, [(2, 4)], DISTINCT)],
    "take_diagonal": [({"offset": 1}, [(3, 4)], Dom()), ({}, [(2, 3, 3)], Dom())],
    "make_diagonal": [({"offset": -1}, [(3,)], Dom())],
    "put_diagonal": [({"offset": 1}, [(3, 4), (3,)], Dom())],
    "tril": [({"k": 1}, [(3, 4)], Dom())],
    "triu": [({"k": -1}, [(2, 3, 3)], Dom())],
    "fill": [({}, [(2, 3), ()], Dom())],
    "diff": [({"order": 2, "axis": 0}, [(4, 2)], Dom())],
}


def _composite(name, opts):
    def fun(*xs):
        out = getattr(nx, name)(*xs, **opts)
        return out[0] if isinstance(out, tuple) else out    # top_k: the values
    return fun


COMPOSITE_CASES = {name: [Case(_composite(name, o), shapes, (dom,), label=f"{name} {o}")
                          for o, shapes, dom in cases] for name, cases in COMPOSITES.items()}


def test_cases_cover_every_primitive_with_a_rule():
    checked = {
        name for name, op in registry.all_ops().items()
        if isinstance(_backend.Backend.__dict__.get(name), _backend.Primitive) and op.grad is not None
    }
    assert set(CASES) == checked


# -- the numerical check -------------------------------------------------------------------

def _make(values, shape):
    return nx.reshape(nx.tensor(values, type="c128" if isinstance(values[0], complex) else "f64"),
                      shape)


def _scalar(out):
    """The weighted sum of every element of ``out`` (tuples: of every output)."""
    if isinstance(out, tuple):
        return sum((_scalar(o) for o in out), nx.tensor(0.0, type="f64"))
    w = _w(out.shape)
    if out.type.is_complex:
        # real(out * c) rather than imag(out) * w: Nx's imag rule drops the imaginary direction
        return nx.sum(nx.real(out * nx.complex(w, _w(out.shape, phase=2.0))))
    return nx.sum(nx.as_type(out, "f64") * w)


def _floats(data, dom, n, taken):
    if dom.gap:
        steps = int((dom.hi - dom.lo) / dom.gap)
        ks = data.draw(st.lists(st.integers(0, steps - 1), min_size=n, max_size=n, unique=True)
                       .filter(lambda ks: not set(ks) & taken))
        taken.update(ks)
        jitter = data.draw(st.lists(st.floats(0.0, 0.3), min_size=n, max_size=n))
        return [dom.lo + (k + j) * dom.gap for k, j in zip(ks, jitter)]
    value = st.floats(dom.lo, dom.hi)
    if dom.away:
        value = value.filter(lambda v: abs(v) >= dom.away)
    return data.draw(st.lists(value, min_size=n, max_size=n))


def _draw_inputs(data, case):
    inputs, taken = [], set()
    for i, shape in enumerate(case.shapes):
        dom, n = case.dom(i), math.prod(shape)
        values = _floats(data, dom, n, taken)
        if dom.complex:
            values = [complex(re, im) for re, im in zip(values, _floats(data, dom, n, set()))]
        inputs.append(values)
    return inputs


def _central(loss, inputs, shapes, i, j, delta):
    """(L(x + h e) - L(x - h e)) / 2h along ``delta`` (1 or 1j) of element j of input i."""
    h = 1e-6 * max(1.0, abs(inputs[i][j]))

    def at(step):
        values = list(inputs[i])
        values[j] = values[j] + step * delta
        args = [_make(v if k != i else values, s) for k, (v, s) in enumerate(zip(inputs, shapes))]
        return float(loss(*args))
    return (at(h) - at(-h)) / (2 * h)


def _ids(table, kind=Case):
    pairs = [(name, k) for name, cases in table.items() for k, c in enumerate(cases)
             if isinstance(c, kind)]
    return {"argvalues": pairs, "ids": [f"{n}-{k}" for n, k in pairs]}


@pytest.mark.parametrize("name,k", **_ids(CASES))
@settings(max_examples=5)
@given(data=st.data())
def test_grad_matches_central_differences(name, k, data):
    _check(name, CASES[name][k], data)


@pytest.mark.parametrize("name,k", **_ids(COMPOSITE_CASES))
@settings(max_examples=4)
@given(data=st.data())
def test_composite_grad_matches_central_differences(name, k, data):
    _check(name, COMPOSITE_CASES[name][k], data)


def test_composite_table_covers_the_composites_with_a_rule():
    with_rule = {name for name, op in registry.all_ops().items()
                 if op.composite is not None and op.grad is not None}
    assert with_rule <= set(COMPOSITES)


@pytest.mark.parametrize("name", [n for n in COMPOSITES if registry.get(n).grad is not None])
def test_composite_rules_agree_with_their_expansion(name):
    for case, (opts, shapes, _) in zip(COMPOSITE_CASES[name], COMPOSITES[name]):
        args = [_make([math.sin(3.1 * j + i) * 2 for j in range(math.prod(s))], s)
                for i, s in enumerate(shapes)]
        argnums = tuple(range(len(args)))
        by_rule = nx.grad(_through_rule(name, opts, [a.spec for a in args]), argnums=argnums)
        expanded = nx.grad(lambda *xs, case=case: _scalar(case.fun(*xs)), argnums=argnums)
        for rule, expansion in zip(by_rule(*args), expanded(*args)):
            assert all(abs(a - b) <= 1e-12 * (1 + abs(b)) for a, b in
                       zip(_flat(rule), _flat(expansion))), (case.label, rule, expansion)


def _through_rule(name, opts, specs):
    """The weighted composite, its gradient given by the op's own rule."""
    op = registry.get(name)
    normalized = op.normalize(*specs, **opts)

    def fun(*xs):
        out = getattr(nx, name)(*xs, **opts)
        value = out[0] if isinstance(out, tuple) else out
        return _scalar(nx.custom_grad(value, list(xs),
                                      lambda g: op.grad(nx, g, out, *xs, **normalized)))
    return fun


def _check(name, case, data):
    inputs = _draw_inputs(data, case)

    def loss(*xs):
        return _scalar(case.fun(*xs))

    args = [_make(v, s) for v, s in zip(inputs, case.shapes)]
    value = float(loss(*args))
    grads = nx.grad(loss, argnums=tuple(range(len(args))))(*args)
    atol = 1e-7 * (1.0 + abs(value))
    for i, (g, shape) in enumerate(zip(grads, case.shapes)):
        assert (g.shape, str(g.type)) == (tuple(shape), str(args[i].type)), (
            f"{name}: the gradient of input {i} is {g.type}{list(g.shape)}")
        both = case.dom(i).complex and "im" in case.directions
        for j, actual in enumerate(_flat(g)):
            expected = _central(loss, inputs, case.shapes, i, j, 1.0)
            if both:
                expected -= 1j * _central(loss, inputs, case.shapes, i, j, 1j)
            else:
                actual = complex(actual).real
            assert abs(actual - expected) <= 1e-5 * abs(expected) + atol, (
                f"{case.label or name}: d/d input {i}[{j}] = {actual}, central differences "
                f"give {expected} (inputs {inputs})")


def _flat(t):
    values = t.to_list()
    while isinstance(values, list) and values and isinstance(values[0], list):
        values = [v for row in values for v in row]
    return values if isinstance(values, list) else [values]


# -- rules that raise, as Nx's ---------------------------------------------------------------

@pytest.mark.parametrize("name,k", **_ids(CASES, Raises))
def test_rules_that_raise_name_the_op(name, k):
    case = CASES[name][k]
    args = [nx.iota(s, type="s32" if case.int_inputs else "f32") for s in case.shapes]
    with pytest.raises(ArgumentError, match=case.match):
        nx.grad(case.fun)(*args)


# -- Nx's constants: piecewise-constant ops pass no gradient ---------------------------------

T = nx.tensor


@pytest.mark.parametrize("fun,x,expected", [
    # the factor in front of x gets no gradient: d/dx sum(f(x) * x) = f(x)
    (lambda x: nx.sum(nx.floor(x) * x), [1.5, -2.5, 3.0], [1.0, -3.0, 3.0]),
    (lambda x: nx.sum(nx.ceil(x) * x), [1.5, -2.5, 3.0], [2.0, -2.0, 3.0]),
    (lambda x: nx.sum(nx.round(x) * x), [1.5, -2.5, 0.2], [2.0, -3.0, 0.0]),
    (lambda x: nx.sum(nx.sign(x) * x), [1.5, -2.5, 0.0], [1.0, -1.0, 0.0]),
    # argmax and comparisons are integer paths made float: zero
    (lambda x: nx.sum(nx.as_type(nx.argmax(x), "f32") * x), [1.0, 3.0, 2.0], [1.0, 1.0, 1.0]),
    (lambda x: nx.sum(nx.as_type(nx.greater(x, 1.5), "f32") * x), [1.0, 3.0, 2.0], [0.0, 1.0, 1.0]),
    # Nx: "pred is not part of grad"
    (lambda x: nx.sum(nx.select(x * x, 1.0, -1.0)), [1.0, 0.0, 2.0], [0.0, 0.0, 0.0]),
])
def test_piecewise_constant_ops_pass_no_gradient(fun, x, expected):
    assert nx.grad(fun)(T(x)).to_list() == expected


def test_integer_inputs_take_the_cotangent_through_as_type_and_bitcast():
    # Nx's "as_type passes through" and "bitcast passes through" tests
    g = nx.grad(lambda x: nx.sum(nx.as_type(x, "f32")))(T([1, 2, 3]))
    assert (str(g.type), g.to_list()) == ("f32", [1.0, 1.0, 1.0])
    g = nx.grad(lambda x: nx.sum(nx.bitcast(x, "f32")))(T([1, 2, 3], type="s32"))
    assert (str(g.type), g.to_list()) == ("f32", [1.0, 1.0, 1.0])
    g = nx.grad(lambda x: nx.sum(nx.as_type(x, "c64")))(T([1 + 1j, 2 + 1j]))
    assert (str(g.type), g.to_list()) == ("c64", [1.0, 1.0])
    # and through integer arithmetic, as Nx's rules apply to integer nodes too
    g = nx.grad(lambda x: nx.sum(nx.as_type(x * x, "f32")))(T([1, 2]))
    assert (str(g.type), g.to_list()) == ("f32", [2.0, 4.0])


def test_as_type_to_real_takes_the_real_part():
    # Nx: the gradient through a complex -> real as_type is the one through real()
    t = T([1 + 1j, 2 + 1j, 3 + 1j])
    f = lambda x: nx.sum(nx.cos(nx.as_type(x, "f32")))
    assert nx.grad(f)(t).to_list() == nx.negate(nx.sin(nx.real(t))).to_list()
    assert nx.grad(f)(t).to_list() == nx.grad(f)(T([1.0, 2.0, 3.0])).to_list()


def test_nx_imag_rule():
    # Nx's imag rule is imag(g): for a real cotangent it gives zero, although moving
    # z along i changes imag(z) (the convention of abs would give -i g); phase,
    # atan2(imag(z), real(z)) in Nx, inherits it and keeps only the real direction
    assert nx.grad(lambda z: nx.sum(nx.imag(z)))(T([1 + 2j, -1j])).to_list() == [0, 0]
    g = nx.grad(lambda z: nx.sum(nx.phase(z)))(T([1 + 1j], type="c128")).to_list()
    assert g == [complex(-0.5, 0.0)]


# -- known values from Nx's grad tests ------------------------------------------------------

_MATRIX = [[1.0, 2.0, 3.0, 4.0], [2.0, 1.0, 3.0, 1.0]]
_FFT_IN = [[5, 5, 0, 0], [2, 2, 2, 2], [0, 1j, 0, 0]]
_CUBE = [[[1.0, 0.0, 2.0], [3.0, 4.0, 2.0]], [[5.0, 2.0, 3.0], [4.0, 2.0, 1.0]]]


def _leaky_relu(t):
    return nx.select(t > 0, t, t * 0.1)


# (label, function, argument, expected): the expected values are Nx's, as its tests
# print them; exact ones are compared after rounding them to the gradient's type
EXACT = [
    ("addition", lambda t: nx.tanh(nx.tanh(nx.add(nx.pow(t, 2), nx.pow(t, 3)))), T(1.0),
     0.15662670135498047),
    ("product", lambda t: nx.tanh(nx.tanh(nx.multiply(nx.pow(t, 2), nx.pow(t, 3)))), T(1.0),
     1.2343397629215758),
    ("sum of product", lambda t: nx.sum(nx.multiply(nx.pow(t, 2), nx.pow(t, 3))),
     T([[1.0, 2.0], [3.0, 4.0]]), [[5.0, 80.0], [405.0, 1280.0]]),
    ("division", lambda t: nx.divide(nx.tanh(t), t), T(1.0), -0.3416198492050171),
    ("remainder", lambda t: nx.remainder(nx.tanh(t), t), T(1.0), 0.41997434161402614),
    ("power", lambda t: nx.pow(t, 3), T(5.0), 75.0),
    ("exponential", lambda t: nx.add(nx.pow(nx.tanh(t), 2), nx.pow(nx.tanh(t), 3)), T(1.0),
     1.3704876904488987),
    ("atan2", lambda t: nx.atan2(nx.tanh(t), t), T(1.0), -0.21621156120382867),
    # ties of max/min split the gradient in two
    ("max", lambda t: nx.sum(nx.max(nx.pow(t, 2), nx.pow(t, 3))), T([[1.0], [2.0], [3.0]]),
     [[2.5], [12.0], [27.0]]),
    ("min", lambda t: nx.sum(nx.min(nx.pow(t, 2), nx.pow(t, 3))),
     T([[1.25, 2.5, 2.75], [1.0, 4.0, 6.0], [2.0, 3.0, 2.0]]),
     [[2.5, 5.0, 5.5], [2.5, 8.0, 12.0], [4.0, 6.0, 4.0]]),
    ("abs", lambda t: nx.sum(nx.abs(t)), T([[-1.0, 2.0], [-3.0, 4.0]]), [[-1.0, 1.0], [-1.0, 1.0]]),
    ("dot", lambda x: nx.sum(nx.dot(x, T([[1, 2, 3, 4, 5]]))), T([[1.0], [2.0], [3.0]]),
     [[15.0], [15.0], [15.0]]),
    ("dot complex", lambda x: nx.sum(nx.dot(x, T([1.0, 2j, 3.0]))), T([3j, -2, 1j]), [1, 2j, 3]),
    # ties of reductions share the gradient equally
    ("reduce_max of reduce_min", lambda t: nx.reduce_max(nx.reduce_min(t, axes=[0])), T(_MATRIX),
     [[0.0, 0.0, 0.5, 0.0], [0.0, 0.0, 0.5, 0.0]]),
    ("reduce_min of reduce_max of sum",
     lambda t: nx.reduce_min(nx.reduce_max(nx.sum(t, axes=[1]), axes=[0])), T(_CUBE),
     [[[0.0, 0.25, 0.25], [0.0, 0.25, 0.25]], [[0.0, 0.25, 0.25], [0.0, 0.25, 0.25]]]),
    ("sort", lambda t: nx.sum(nx.log(nx.pow(nx.sort(nx.cos(t)), 2))), T([4.0, 3.0, 2.0, 1.0]),
     [-2.3156426, 0.2850931, 4.370079, -3.1148152]),
    ("sort, slice", lambda t: nx.sum(nx.slice(nx.sort(t, direction="desc"), [2], [3])),
     T([4.0, 8.0, 15.0, 16.0, 23.0, 42.0]), [0.0, 1.0, 1.0, 1.0, 0.0, 0.0]),
    ("clip", lambda t: nx.sum(nx.clip(t, T(1.0), T(4.0))), T([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
     [[1.0, 1.0, 1.0], [1.0, 0.0, 0.0]]),
    ("clip, lower limit on a tie", lambda lim: nx.sum(nx.clip(T([0.0, 5.0, -3.0]), lim, 10)),
     T(0.0), 1.0),
    ("fft", lambda t: nx.sum(nx.real(nx.fft(t))), T(_FFT_IN), [[4, 0, 0, 0]] * 3),
    ("fft, length 8", lambda t: nx.sum(nx.real(nx.fft(t, length=8))), T(_FFT_IN), [[8, 0, 0, 0]] * 3),
    ("ifft", lambda t: nx.sum(nx.real(nx.ifft(t, length=8))), T(_FFT_IN), [[1, 0, 0, 0]] * 3),
]

CLOSE = [   # compared as Nx does, within atol 1e-4 and rtol 1e-4
    ("abs complex", lambda t: nx.sum(nx.abs(t)), T([0, 1 + 1j, 2 + 2j, 3 + 3j]),
     [0, 0.7071 - 0.7071j, 0.7071 - 0.7071j, 0.7071 - 0.7071j]),
    ("abs squared complex", lambda t: nx.sum(nx.pow(nx.abs(t), 2)), T([0, 1j, 2, -3j]),
     [0, -2j, 4, 6j]),
    ("cos abs sin complex", lambda t: nx.sum(nx.cos(nx.abs(nx.sin(t)))), T([0, 1 + 1j, 2 + 2j, 3 + 3j]),
     [0, -0.3120795 + 1.2447729j, -0.05693477 - 2.053038j, -0.00780554 - 5.6348686j]),
    ("reduce_max of cos exp", lambda t: nx.reduce_max(nx.cos(nx.exp(t))), T(_MATRIX),
     [[0.0, -3.302372203078941, 0.0, 0.0], [-3.302372203078941, 0.0, 0.0, 0.0]]),
    ("reduce_min of cos, ties", lambda t: nx.sum(nx.reduce_min(nx.cos(t), axes=[1])), T(_MATRIX),
     [[0.0, 0.0, -0.1411200080598672, 0.0], [0.0, 0.0, -0.1411200080598672, 0.0]]),
    ("product, a zero", lambda t: nx.sum(nx.product(t, axes=[3])),
     T([[[[1, 2, 3, 4], [2, 1, 3, -1], [3, 2, 3, 0], [0, 2, 3, 0]]]], type="f32"),
     [[[[24, 12, 8, 6], [-3, -6, -2, 6], [0, 0, 0, 18], [0, 0, 0, 0]]]]),
    ("product composed", lambda t: nx.sum(nx.sin(nx.product(nx.cos(t)))),
     T([[[[1, 2, 3, 4], [2, 1, 3, -1]]]], type="f32"),
     [[[[0.0272486, -0.03822973, -0.00249401, 0.02025739],
        [-0.03822973, 0.0272486, -0.00249401, -0.0272486]]]]),
    ("select", lambda t: nx.sum(nx.select(nx.greater(t, 0.0), nx.exp(t), nx.cos(t))),
     T([[-2.0, 1.0, 0.0, 3.0, -3.0], [1.0, 2.0, 0.0, 5.0, -1.0]]),
     [[0.9092974268256817, 2.718281828459045, 0.0, 20.085536923187668, 0.1411200080598672],
      [2.718281828459045, 7.38905609893065, 0.0, 148.4131591025766, 0.8414709848078965]]),
    ("fft composed", lambda t: nx.sum(nx.real(nx.exp(nx.fft(nx.cos(t), length=4)))),
     nx.pad(T(_FFT_IN), 0, [(0, 0, 0), (0, 2, 0)]),
     [[14.16124, 12.1516, 0, 0, 0, 0], [-2.89999, 0.737196, 0.737196, 0.737196, 0, 0],
      [0, -108.54785j, 0, 0, 0, 0]]),
    ("ifft composed", lambda t: nx.sum(nx.real(nx.exp(nx.ifft(nx.cos(t), length=4)))),
     nx.pad(T(_FFT_IN), 0, [(0, 0, 0), (0, 2, 0)]),
     [[1.0896463, 0.28715, 0, 0, 0, 0], [-0.8319124, 0.077385, 0.077385, 0.077385, 0, 0],
      [0, -0.57873374j, 0, 0, 0, 0]]),
    ("window_max", lambda t: nx.sum(nx.window_max(t, [1, 2, 1, 2])), nx.iota((2, 3, 3, 2), type="f32"),
     [[[[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]], [[0.0, 1.0], [0.0, 1.0], [0.0, 1.0]],
       [[0.0, 1.0], [0.0, 1.0], [0.0, 1.0]]]] * 2),
    ("window_min", lambda t: nx.sum(nx.window_min(t, [1, 2, 1, 2])), nx.iota((2, 3, 3, 2), type="f32"),
     [[[[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]], [[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]],
       [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]]] * 2),
    ("nested select", lambda t: nx.sum(_leaky_relu(_leaky_relu(t))),
     T([-2.0, -1.0, 0.0, 1.0, 2.0]), [0.01, 0.01, 0.01, 1.0, 1.0]),
    ("erf_inv near 1", lambda t: nx.sum(nx.erf_inv(t)), T([0.9, 0.98, 0.99, 0.995, 0.999]),
     [3.43, 13.26, 24.45, 45.56, 198.94]),
]


@pytest.mark.parametrize("label,fun,x,expected", EXACT, ids=[c[0] for c in EXACT])
def test_known_values_from_nx_exactly(label, fun, x, expected):
    g = nx.grad(fun)(x)
    assert g.to_list() == T(expected, type=g.type).to_list()


@pytest.mark.parametrize("label,fun,x,expected", CLOSE, ids=[c[0] for c in CLOSE])
def test_known_values_from_nx_closely(label, fun, x, expected):
    g, e = _flat(nx.grad(fun)(x)), _flat(T(expected, type="c128"))
    atol = 0.01 if label.startswith("erf_inv") else 1e-4   # Nx's assert_in_delta for erf_inv
    assert all(abs(a - b) <= atol + 1e-4 * abs(b) for a, b in zip(g, e)), (g, e)


def test_clip_partials_sum_to_the_directional_derivative_at_a_tie():
    # x[0] == lim: moving both together changes the sum by exactly 1
    dx, dlim = nx.grad(lambda t, lim: nx.sum(nx.clip(t, lim, 10)), argnums=(0, 1))(
        T([0.0, 5.0]), T(0.0))
    assert float(dx[0] + dlim) == 1.0


def test_clip_with_min_above_max_differentiates_max():
    # regression: the result is max everywhere, so max takes the whole gradient
    # (Nx's rule gives all three inputs zero there)
    f = lambda x, lo, hi: nx.sum(nx.clip(x, lo, hi))
    dx, dlo, dhi = nx.grad(f, argnums=(0, 1, 2))(T([-3.0, 0.0, 5.0]), T(2.0), T(1.0))
    assert (dx.to_list(), float(dlo), float(dhi)) == ([0.0, 0.0, 0.0], 0.0, 3.0)
