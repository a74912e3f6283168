"""Window reductions: window_sum, window_product, window_max, window_min
(Backend primitives) and window_mean (a composite: window_sum divided by the
number of elements of the window).

Each output element folds one window of the padded tensor (the options and the
shape rule are in :mod:`spec.ops._window`). Rules written down here:

* Type and names are the input's (Nx's ``%{tensor | shape: ...}``): integer
  sums and products wrap around in the input's type (u8 stays u8, unlike
  ``nx.sum``); window_mean divides that sum, so it wraps first, as in Nx.
* Padding holds the op's initial value, which is also where each fold starts,
  as in XLA: 0 for sums (so a window of ``-0.0`` sums to ``0.0``), 1 for
  products, the type's lowest value for max (``-inf``, or the integer minimum;
  ``-448.0`` for f8_e4m3fn, which has no infinity) and its highest for min. A
  window made only of padding gives that value.
* Float sums and products are computed exactly and rounded once into the type
  (as ``nx.sum``); a backend that accumulates step by step in the type may differ
  by the declared tolerance.
* window_max and window_min propagate NaN, and order ``-0.0`` below ``0.0``
  (IEEE 754's maximum and minimum, as ``nx.max``/``nx.min``); they reject
  complex tensors.
"""

from __future__ import annotations

import itertools
import math

from spec import registry, types
from spec.errors import ArgumentError
from spec.ops import reductions
from spec.ops._elementwise import complex_error
from spec.ops._reduce import as_spec, check_type
from spec.ops._window import (WINDOW_OPTIONS, normalize_window, select_index, span,
                              window_shape, window_taps)
from spec.registry import Op, TensorSpec, register, static, tensor

__all__ = ["window_sum", "window_product", "window_max", "window_min", "window_mean",
           "no_grad"]

_BACKEND_OPTIONS = ("window_dimensions", "strides", "padding", "window_dilations")
_FLOATS = [t.name for t in types.FLOAT_TYPES + types.COMPLEX_TYPES]
_SUM_TOLERANCE = {name: 1 for name in _FLOATS}
_PRODUCT_TOLERANCE = dict(_SUM_TOLERANCE, f64=32, c128=32)
_EXACT = {name: 0 for name in _FLOATS}


def no_grad(name, arity, advice):
    """A gradient rule that raises, as Nx does for ops without a gradient."""
    def grad(ops, g, out, *inputs, **opts):
        raise ArgumentError(" ".join(filter(None, [
            f"cannot compute gradient for nx.{name}/{arity}.", advice,
            "Consider nx.stop_grad (making it the identity) or nx.custom_grad (giving it a "
            "proper gradient)."])))
    return grad


# -- group semantics (values of one window in row-major order, padding left out) --

def _sum(values):
    # the fold starts at 0, so -0.0 (and complex -0.0 parts) come out as 0.0
    return reductions.sum.semantics(values) + 0


def _max(values):
    m = reductions.reduce_max.semantics(values)
    if m == 0 and isinstance(m, float):
        return 0.0 if any(v == 0 and math.copysign(1.0, v) > 0 for v in values) else -0.0
    return m


def _min(values):
    m = reductions.reduce_min.semantics(values)
    if m == 0 and isinstance(m, float):
        return -0.0 if any(v == 0 and math.copysign(1.0, v) < 0 for v in values) else 0.0
    return m


# -- gradient rules -----------------------------------------------------------------

def _sum_grad(ops, g, out, x, *, window_dimensions, strides, padding, window_dilations):
    # every input element gets the sum of g over the windows that hold it: pad g
    # (strides - 1 zeros between its elements, and edges that let a full window
    # reach each input position), then sum windows of it with stride 1
    if 0 in x.shape:
        return [_zeros(ops, g.type, x.shape)]
    config = []
    for dim, w, s, (low, _), d, o in zip(x.shape, window_dimensions, strides, padding,
                                         window_dilations, g.shape):
        before = span(w, d) - low - 1
        config.append((before, dim + span(w, d) - 1 - ((o - 1) * s + 1) - before, s - 1))
    return [ops.window_sum(ops.pad(g, 0, config), list(window_dimensions), strides=1,
                           padding="valid", window_dilations=list(window_dilations))]


def _zeros(ops, type_, shape):
    return ops.broadcast(ops.as_type(0, type_), tuple(shape))


def _chooser_grad(scatter, compare, fill):
    """window_max/min: g goes to the element each window selects (the last of
    equal extremes, as the scatters select); padding never gets it."""

    def grad(ops, g, out, x, *, window_dimensions, strides, padding, window_dilations):
        if 0 in x.shape:
            return [_zeros(ops, g.type, x.shape)]
        extreme = fill(x.type)   # the padding: never above (below) the max (min)
        edges = [(low, high, 0) for low, high in padding]
        if all(d == 1 for d in window_dilations):
            # Nx's rule, with the padding made explicit so that it is never selected
            xp = ops.pad(x, extreme, edges)
            dx = getattr(ops, scatter)(xp, g, 0, list(window_dimensions), padding="valid",
                                       strides=list(strides))
            return [ops.pad(dx, 0, [(-low, -high, 0) for low, high, _ in edges])]
        opts = {"window_dimensions": window_dimensions, "strides": strides,
                "padding": padding, "window_dilations": window_dilations}
        index = select_index(ops, window_taps(ops, x, extreme, g.shape, **opts),
                             getattr(ops, compare))
        return [_place(ops, index, g, x.shape, **opts)]

    return grad


def _place(ops, index, g, shape, *, window_dimensions, strides, padding, window_dilations):
    """Add g at the selected element of each window (``index`` in the window)."""
    padded = [dim + low + high for dim, (low, high) in zip(shape, padding)]
    total = None
    for k, offsets in enumerate(_offsets(window_dimensions)):
        config = []
        for o, s, p, j, d in zip(g.shape, strides, padded, offsets, window_dilations):
            config.append((j * d, p - j * d - ((o - 1) * s + 1), s - 1))
        part = ops.pad(ops.select(ops.equal(index, k), g, 0), 0, config)
        total = part if total is None else ops.add(total, part)
    return ops.pad(total, 0, [(-low, -high, 0) for low, high in padding])


def _offsets(window):
    return itertools.product(*(range(w) for w in window))


# -- declarations ---------------------------------------------------------------------

def _declare(name, semantics, *, accepts, identity, tolerance, grad, doc, error=None):
    def normalize(x, window_dimensions, *, strides=1, padding="valid", window_dilations=1):
        x = as_spec(x)
        check_type(name, accepts, error, x.type)
        return normalize_window(name, x, window_dimensions, strides, padding, window_dilations)

    def infer(x, _window, **opts):
        x = as_spec(x)
        return TensorSpec(x.type, window_shape(name, x.shape, **opts), x.names)

    return register(Op(
        name=name, family="window",
        params=(tensor("tensor"), static("window_dimensions")) + WINDOW_OPTIONS,
        infer=infer, normalize=normalize, semantics=semantics, grad=grad,
        tolerance=tolerance, accepts=tuple(accepts), backend_options=_BACKEND_OPTIONS, doc=doc,
        extras={"identity": identity},
    ))


window_sum = _declare("window_sum", _sum, accepts=types.ALL_TYPES, identity=lambda t: 0,
                      tolerance=_SUM_TOLERANCE, grad=_sum_grad, doc="""
    Sums each window of ``window_dimensions`` (one size per axis) of the tensor,
    padded with 0. Options: ``strides``, ``padding`` (``"valid"``, ``"same"`` or
    ``(low, high)`` pairs) and ``window_dilations``, each an int or one value per
    axis (see :mod:`spec.ops._window`). Type and names are the input's: integer
    sums wrap around in it.

    >>> t = nx.tensor([[[1, 2, 3], [4, 5, 6]], [[1, 2, 3], [4, 5, 6]]])
    >>> nx.window_sum(t, (1, 2, 1))
    #Nx.Tensor<
      s32[2][1][3]
      [
        [
          [5, 7, 9]
        ],
        [
          [5, 7, 9]
        ]
      ]
    >
    >>> nx.window_sum(t, (2, 2, 1), strides=[1, 2, 3], padding=[(0, 1), (2, 0), (1, 1)])
    #Nx.Tensor<
      s32[2][2][2]
      [
        [
          [0, 0],
          [0, 18]
        ],
        [
          [0, 0],
          [0, 9]
        ]
      ]
    >
    >>> t = nx.tensor([[[4.0, 2.0, 3.0], [2.0, 5.0, 6.5]], [[1.2, 2.2, 3.2], [4.0, 5.0, 6.2]]])
    >>> nx.window_sum(t, (2, 1, 1), strides=[2, 1, 1], padding=[(1, 1), (0, 0), (1, 1)])
    #Nx.Tensor<
      f32[2][2][5]
      [
        [
          [0.0, 4.0, 2.0, 3.0, 0.0],
          [0.0, 2.0, 5.0, 6.5, 0.0]
        ],
        [
          [0.0, 1.2, 2.2, 3.2, 0.0],
          [0.0, 4.0, 5.0, 6.2, 0.0]
        ]
      ]
    >
    >>> t = nx.tensor([[[4, 2, 1, 3], [4, 2, 1, 7]], [[1, 2, 5, 7], [1, 8, 9, 2]]])
    >>> nx.window_sum(t, (1, 1, 2), strides=[2, 1, 1], padding="valid", window_dilations=[1, 2, 1])
    #Nx.Tensor<
      s32[1][2][3]
      [
        [
          [6, 3, 4],
          [6, 3, 8]
        ]
      ]
    >
    >>> nx.window_sum(t, (1, 1, 2), strides=[2, 1, 1], padding="valid", window_dilations=[1, 2, 2])
    #Nx.Tensor<
      s32[1][2][2]
      [
        [
          [5, 5],
          [5, 9]
        ]
      ]
    >
    >>> nx.window_sum(nx.tensor([200, 100, 1], type="u8", names=["x"]), (2,))
    #Nx.Tensor<
      u8[x: 2]
      [44, 101]
    >
    >>> nx.window_sum(t, (3, 1, 1))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: nx.window_sum: window dimensions would result in an empty tensor: on axis 0 the window spans 3 elements (window 3, dilation 1) but the padded axis has 2 (size 2, padding (0, 0)), for shape (2, 2, 4) and window (3, 1, 1)
    """)


window_product = _declare(
    "window_product", reductions.product.semantics, accepts=types.ALL_TYPES,
    identity=lambda t: 1, tolerance=_PRODUCT_TOLERANCE,
    grad=no_grad("window_product", 3, ""), doc="""
    Multiplies the elements of each window of ``window_dimensions``, padded
    with 1; options as :func:`window_sum`. Type and names are the input's:
    integer products wrap around in it. Nx defines no gradient for it.

    >>> nx.window_product(nx.tensor([[[1, 2, 3], [4, 5, 6]], [[1, 2, 3], [4, 5, 6]]]), (1, 2, 1))
    #Nx.Tensor<
      s32[2][1][3]
      [
        [
          [4, 10, 18]
        ],
        [
          [4, 10, 18]
        ]
      ]
    >
    >>> t = nx.tensor([[[1, 2, 3], [4, 5, 6]], [[1, 2, 3], [4, 5, 6]]])
    >>> nx.window_product(t, (2, 2, 1), strides=[1, 2, 3], padding=[(0, 1), (2, 0), (1, 1)])
    #Nx.Tensor<
      s32[2][2][2]
      [
        [
          [1, 1],
          [1, 324]
        ],
        [
          [1, 1],
          [1, 18]
        ]
      ]
    >
    >>> t = nx.tensor([[[4.0, 2.0, 3.0], [2.0, 5.0, 6.5]], [[1.2, 2.2, 3.2], [4.0, 5.0, 6.2]]])
    >>> nx.window_product(t, (2, 1, 1), strides=[2, 1, 1], padding=[(1, 1), (0, 0), (1, 1)])
    #Nx.Tensor<
      f32[2][2][5]
      [
        [
          [1.0, 4.0, 2.0, 3.0, 1.0],
          [1.0, 2.0, 5.0, 6.5, 1.0]
        ],
        [
          [1.0, 1.2, 2.2, 3.2, 1.0],
          [1.0, 4.0, 5.0, 6.2, 1.0]
        ]
      ]
    >
    >>> t = nx.tensor([[[4, 2, 1, 3], [4, 2, 1, 7]], [[1, 2, 5, 7], [1, 8, 9, 2]]])
    >>> nx.window_product(t, (1, 1, 2), strides=[2, 1, 1], padding="valid", window_dilations=[1, 2, 2])
    #Nx.Tensor<
      s32[1][2][2]
      [
        [
          [4, 6],
          [4, 14]
        ]
      ]
    >
    """)


window_max = _declare(
    "window_max", _max, accepts=types.REAL_TYPES, identity=types.min_value, tolerance=_EXACT,
    error=complex_error("window_max", 3),
    grad=_chooser_grad("window_scatter_max", "greater_equal", types.min_value), doc="""
    The maximum of each window of ``window_dimensions``, padded with the type's
    lowest value (``-inf`` for floats that have it); options as
    :func:`window_sum`. NaN propagates and ``0.0`` is above ``-0.0``. Complex
    tensors raise.

    >>> nx.window_max(nx.tensor([[[1, 2, 3], [4, 5, 6]], [[1, 2, 3], [4, 5, 6]]]), (1, 2, 1))
    #Nx.Tensor<
      s32[2][1][3]
      [
        [
          [4, 5, 6]
        ],
        [
          [4, 5, 6]
        ]
      ]
    >
    >>> t = nx.tensor([[[1, 2, 3], [4, 5, 6]], [[1, 2, 3], [4, 5, 6]]])
    >>> nx.window_max(t, (2, 2, 1), strides=[1, 2, 3], padding=[(0, 1), (2, 0), (1, 1)])
    #Nx.Tensor<
      s32[2][2][2]
      [
        [
          [-2147483648, -2147483648],
          [-2147483648, 6]
        ],
        [
          [-2147483648, -2147483648],
          [-2147483648, 6]
        ]
      ]
    >
    >>> t = nx.tensor([[[4.0, 2.0, 3.0], [2.0, 5.0, 6.5]], [[1.2, 2.2, 3.2], [4.0, 5.0, 6.2]]])
    >>> nx.window_max(t, (2, 1, 1), strides=[2, 1, 1], padding=[(1, 1), (0, 0), (1, 1)])
    #Nx.Tensor<
      f32[2][2][5]
      [
        [
          [-Inf, 4.0, 2.0, 3.0, -Inf],
          [-Inf, 2.0, 5.0, 6.5, -Inf]
        ],
        [
          [-Inf, 1.2, 2.2, 3.2, -Inf],
          [-Inf, 4.0, 5.0, 6.2, -Inf]
        ]
      ]
    >
    >>> t = nx.tensor([[[4, 2, 1, 3], [4, 2, 1, 7]], [[1, 2, 5, 7], [1, 8, 9, 2]]])
    >>> nx.window_max(t, (1, 1, 2), strides=[2, 1, 1], padding="valid", window_dilations=[1, 2, 2])
    #Nx.Tensor<
      s32[1][2][2]
      [
        [
          [4, 3],
          [4, 7]
        ]
      ]
    >
    >>> nx.window_max(nx.tensor([1.0, float("nan"), -0.0, 0.0], names=["x"]), (2,))
    #Nx.Tensor<
      f32[x: 3]
      [NaN, NaN, 0.0]
    >
    """)


window_min = _declare(
    "window_min", _min, accepts=types.REAL_TYPES, identity=types.max_value, tolerance=_EXACT,
    error=complex_error("window_min", 3),
    grad=_chooser_grad("window_scatter_min", "less_equal", types.max_value), doc="""
    The minimum of each window of ``window_dimensions``, padded with the type's
    highest value (``inf`` for floats that have it); options as
    :func:`window_sum`. NaN propagates and ``-0.0`` is below ``0.0``. Complex
    tensors raise.

    >>> nx.window_min(nx.tensor([[[1, 2, 3], [4, 5, 6]], [[1, 2, 3], [4, 5, 6]]]), (1, 2, 1))
    #Nx.Tensor<
      s32[2][1][3]
      [
        [
          [1, 2, 3]
        ],
        [
          [1, 2, 3]
        ]
      ]
    >
    >>> t = nx.tensor([[[1, 2, 3], [4, 5, 6]], [[1, 2, 3], [4, 5, 6]]])
    >>> nx.window_min(t, (2, 2, 1), strides=[1, 2, 3], padding=[(0, 1), (2, 0), (1, 1)])
    #Nx.Tensor<
      s32[2][2][2]
      [
        [
          [2147483647, 2147483647],
          [2147483647, 3]
        ],
        [
          [2147483647, 2147483647],
          [2147483647, 3]
        ]
      ]
    >
    >>> t = nx.tensor([[[4.0, 2.0, 3.0], [2.0, 5.0, 6.5]], [[1.2, 2.2, 3.2], [4.0, 5.0, 6.2]]])
    >>> nx.window_min(t, (2, 1, 1), strides=[2, 1, 1], padding=[(1, 1), (0, 0), (1, 1)])
    #Nx.Tensor<
      f32[2][2][5]
      [
        [
          [Inf, 4.0, 2.0, 3.0, Inf],
          [Inf, 2.0, 5.0, 6.5, Inf]
        ],
        [
          [Inf, 1.2, 2.2, 3.2, Inf],
          [Inf, 4.0, 5.0, 6.2, Inf]
        ]
      ]
    >
    >>> t = nx.tensor([[[4, 2, 1, 3], [4, 2, 1, 7]], [[1, 2, 5, 7], [1, 8, 9, 2]]])
    >>> nx.window_min(t, (1, 1, 2), strides=[2, 1, 1], padding="valid", window_dilations=[1, 2, 2])
    #Nx.Tensor<
      s32[1][2][2]
      [
        [
          [1, 2],
          [1, 2]
        ]
      ]
    >
    >>> nx.window_min(nx.tensor([1, 2], type="c64"), (1,))
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: nx.window_min/3 does not support complex inputs, got: c64
    """)


# -- window_mean (composite) -----------------------------------------------------------

def _window_size(window):
    n = 1
    for w in window:
        n *= w
    return n


def _mean_normalize(x, window_dimensions, *, strides=1, padding="valid", window_dilations=1):
    return normalize_window("window_mean", as_spec(x), window_dimensions, strides, padding,
                            window_dilations)


def _mean_infer(x, _window, **opts):
    x = as_spec(x)
    # the composite divides window_sum's result by the window's size
    divided = registry.get("divide").infer(TensorSpec(x.type, (), ()),
                                           _window_size(opts["window_dimensions"]))
    return TensorSpec(divided.type, window_shape("window_mean", x.shape, **opts), x.names)


def _mean(nx, x, *, window_dimensions, strides, padding, window_dilations):
    total = nx.window_sum(x, list(window_dimensions), strides=list(strides),
                          padding=[list(p) for p in padding],
                          window_dilations=list(window_dilations))
    return nx.divide(total, _window_size(window_dimensions))


window_mean = register(Op(
    name="window_mean", family="window",
    params=(tensor("tensor"), static("window_dimensions")) + WINDOW_OPTIONS,
    infer=_mean_infer, normalize=_mean_normalize, composite=_mean,
    tolerance=_SUM_TOLERANCE, backend_options=_BACKEND_OPTIONS, doc="""
    The mean of each window of ``window_dimensions``: :func:`window_sum` (padded
    with 0, in the input's type, so integer sums wrap first) divided by the
    number of elements of the window, padding included. Options as
    :func:`window_sum`; the type is the division's (f32 for integers).

    >>> t = nx.tensor([[[1, 2, 3], [4, 5, 6]], [[1, 2, 3], [4, 5, 6]]])
    >>> nx.window_mean(t, (1, 2, 1))
    #Nx.Tensor<
      f32[2][1][3]
      [
        [
          [2.5, 3.5, 4.5]
        ],
        [
          [2.5, 3.5, 4.5]
        ]
      ]
    >
    >>> nx.window_mean(t, (2, 2, 1), strides=[1, 2, 3], padding=[(0, 1), (2, 0), (1, 1)])
    #Nx.Tensor<
      f32[2][2][2]
      [
        [
          [0.0, 0.0],
          [0.0, 4.5]
        ],
        [
          [0.0, 0.0],
          [0.0, 2.25]
        ]
      ]
    >
    >>> t = nx.tensor([[[4.0, 2.0, 3.0], [2.0, 5.0, 6.5]], [[1.2, 2.2, 3.2], [4.0, 5.0, 6.2]]])
    >>> nx.window_mean(t, (2, 1, 1), strides=[2, 1, 1], padding=[(1, 1), (0, 0), (1, 1)])
    #Nx.Tensor<
      f32[2][2][5]
      [
        [
          [0.0, 2.0, 1.0, 1.5, 0.0],
          [0.0, 1.0, 2.5, 3.25, 0.0]
        ],
        [
          [0.0, 0.6, 1.1, 1.6, 0.0],
          [0.0, 2.0, 2.5, 3.1, 0.0]
        ]
      ]
    >
    >>> t = nx.tensor([[[4, 2, 1, 3], [4, 2, 1, 7]], [[1, 2, 5, 7], [1, 8, 9, 2]]])
    >>> nx.window_mean(t, (1, 1, 2), strides=[2, 1, 1], padding="valid", window_dilations=[1, 2, 1])
    #Nx.Tensor<
      f32[1][2][3]
      [
        [
          [3.0, 1.5, 2.0],
          [3.0, 1.5, 4.0]
        ]
      ]
    >
    >>> nx.window_mean(t, (1, 1, 2), strides=[2, 1, 1], padding="valid", window_dilations=[1, 2, 2])
    #Nx.Tensor<
      f32[1][2][2]
      [
        [
          [2.5, 2.5],
          [2.5, 4.5]
        ]
      ]
    >
    """))
