"""Cumulative ops: cumulative_sum, cumulative_product, cumulative_min and
cumulative_max along one axis, from the start or (``reverse=True``) the end.

They are composites, as in Nx: the default implementation is Nx's
work-efficient associative scan (a parallel prefix in ``ceil(log2(n))`` levels of
strided slices, element-wise combines and interleaving), written once against
the ``nx`` namespace, so every backend that has the shape primitives and the
element-wise op gets them, and results match Nx's own default bit for bit.

Rules written down here:

* The output has the input's type, shape and names: the combine is the
  element-wise op on two operands of the input's type, so integer sums and
  products wrap around in that type (u8 stays u8, unlike ``nx.sum``).
* Floats are combined in the scan's tree order, each step rounded into the
  type; a backend that accumulates left to right may differ by rounding.
* ``cumulative_min``/``max`` follow ``nx.min``/``nx.max``: a NaN propagates to
  every later position, and ``-0.0`` is below ``0.0``. They reject complex
  inputs (always; Nx only raises once the axis has two elements or more).
* An axis of size 0 or 1 is returned unchanged; a scalar has no axis 0 and
  raises.
"""

from __future__ import annotations

from spec import types
from spec.ops._reduce import as_spec
from spec.ops.sorting import check_flag, reject_complex
from spec.registry import Op, TensorSpec, option, register, tensor
from spec.shapes import normalize_axis

__all__ = ["cumulative_sum", "cumulative_product", "cumulative_min", "cumulative_max",
           "associative_scan"]


def associative_scan(nx, x, combine, axis, reverse=False):
    """The inclusive scan of ``x`` along ``axis`` with the associative
    ``combine(later, earlier)``, over the ``nx`` namespace."""
    if reverse:
        x = nx.reverse(x, axes=[axis])
    out = _scan(nx, x, combine, axis)
    if reverse:
        out = nx.reverse(out, axes=[axis])
    if tuple(out.names) != tuple(x.names):
        out = nx.rename(out, list(x.names))
    return out


def _scan(nx, x, combine, axis):
    # Pairs (x0+x1, x2+x3, ...) are scanned recursively: that gives the odd
    # positions of the result; each even position is the odd one before it
    # plus one more element of x.
    n = x.shape[axis]
    if n < 2:
        return x

    def part(t, start, length, strides=1):
        return nx.slice_along_axis(t, start, length, axis=axis, strides=strides)

    even = part(x, 0, n - 1, 2)
    odd = part(x, 1, n - 1, 2)
    pairs = combine(odd, even)
    scanned_odd = _scan(nx, pairs, combine, axis)
    if n == 2:
        return nx.concatenate([even, pairs], axis=axis)
    if n % 2 == 0:
        half = n // 2
        rest = combine(part(scanned_odd, 0, half - 1), part(even, 1, half - 1))
        scanned_even = nx.concatenate([part(even, 0, 1), rest], axis=axis)
        return _interleave(nx, scanned_even, scanned_odd, axis)
    scanned_even = combine(scanned_odd, part(x, 2, n - 2, 2))
    return nx.concatenate([part(x, 0, 1), _interleave(nx, scanned_odd, scanned_even, axis)],
                          axis=axis)


def _interleave(nx, left, right, axis):
    """left[0], right[0], left[1], right[1], ... along ``axis`` (same shapes)."""
    pairs = nx.stack([left, right], axis=axis + 1)
    shape = list(left.shape)
    shape[axis] *= 2
    return nx.reshape(pairs, tuple(shape))


# -- declarations ----------------------------------------------------------------

def _declare(name, combine, accepts, doc, grad=None):
    def normalize(x, *, axis=0, reverse=False):
        x = as_spec(x)
        if x.type not in accepts:       # only complex types are left out
            reject_complex(name, 2, x)
        return {"axis": normalize_axis(axis, x.shape, x.names),
                "reverse": check_flag(name, reverse, "reverse")}

    def infer(x, *, axis, reverse):
        x = as_spec(x)
        return TensorSpec(x.type, x.shape, x.names)

    def composite(nx, x, *, axis, reverse):
        return associative_scan(nx, x, getattr(nx, combine), axis, reverse)

    return register(Op(
        name=name, family="cumulative",
        params=(tensor("tensor"), option("axis", 0), option("reverse", False)),
        normalize=normalize, infer=infer, composite=composite, grad=grad,
        accepts=accepts, doc=doc,
        extras={"combine": combine},
    ))


def _sum_grad(ops, g, out, x, *, axis, reverse):
    # each input element contributes to the outputs at and after it
    return [ops.cumulative_sum(g, axis=axis, reverse=not reverse)]


# cumulative_product, cumulative_min and cumulative_max have no closed rule that
# holds with zeros and ties; their gradient is the one of their composite.

cumulative_sum = _declare("cumulative_sum", "add", types.ALL_TYPES, grad=_sum_grad, doc="""
    The cumulative sum of the elements along ``axis`` (0 by default; an int or
    a name); ``reverse=True`` accumulates from the end.

    Type, shape and names are the input's; integer sums wrap around in the type.

    >>> nx.cumulative_sum(nx.tensor([1, 2, 3, 4]))
    #Nx.Tensor<
      s32[4]
      [1, 3, 6, 10]
    >
    >>> nx.cumulative_sum(nx.iota((3, 3)), axis=0)
    #Nx.Tensor<
      s32[3][3]
      [
        [0, 1, 2],
        [3, 5, 7],
        [9, 12, 15]
      ]
    >
    >>> nx.cumulative_sum(nx.iota((3, 3)), axis=1)
    #Nx.Tensor<
      s32[3][3]
      [
        [0, 1, 3],
        [3, 7, 12],
        [6, 13, 21]
      ]
    >
    >>> nx.cumulative_sum(nx.iota((3, 3)), axis=0, reverse=True)
    #Nx.Tensor<
      s32[3][3]
      [
        [9, 12, 15],
        [9, 11, 13],
        [6, 7, 8]
      ]
    >
    >>> nx.cumulative_sum(nx.iota((3, 3)), axis=1, reverse=True)
    #Nx.Tensor<
      s32[3][3]
      [
        [3, 3, 2],
        [12, 9, 5],
        [21, 15, 8]
      ]
    >
    >>> nx.cumulative_sum(nx.tensor([100, 100, 100], type="u8", names=["x"]), axis="x")
    #Nx.Tensor<
      u8[x: 3]
      [100, 200, 44]
    >
    >>> nx.cumulative_sum(nx.tensor(1))
    Traceback (most recent call last):
    ...
    spec.errors.AxisError: given axis (0) invalid for shape () with rank 0
    """)

cumulative_product = _declare("cumulative_product", "multiply", types.ALL_TYPES, doc="""
    The cumulative product of the elements along ``axis`` (0 by default; an int
    or a name); ``reverse=True`` accumulates from the end.

    Type, shape and names are the input's; integer products wrap around in the type.

    >>> nx.cumulative_product(nx.tensor([1, 2, 3, 4]))
    #Nx.Tensor<
      s32[4]
      [1, 2, 6, 24]
    >
    >>> nx.cumulative_product(nx.iota((3, 3)), axis=0)
    #Nx.Tensor<
      s32[3][3]
      [
        [0, 1, 2],
        [0, 4, 10],
        [0, 28, 80]
      ]
    >
    >>> nx.cumulative_product(nx.iota((3, 3)), axis=1)
    #Nx.Tensor<
      s32[3][3]
      [
        [0, 0, 0],
        [3, 12, 60],
        [6, 42, 336]
      ]
    >
    >>> nx.cumulative_product(nx.iota((3, 3)), axis=0, reverse=True)
    #Nx.Tensor<
      s32[3][3]
      [
        [0, 28, 80],
        [18, 28, 40],
        [6, 7, 8]
      ]
    >
    >>> nx.cumulative_product(nx.iota((3, 3)), axis=1, reverse=True)
    #Nx.Tensor<
      s32[3][3]
      [
        [0, 2, 2],
        [60, 20, 5],
        [336, 56, 8]
      ]
    >
    """)

_MIN_MAX_INPUT = "nx.tensor([[2, 3, 1], [1, 3, 2], [2, 1, 3]])"

cumulative_min = _declare("cumulative_min", "min", types.REAL_TYPES, doc=f"""
    The cumulative minimum of the elements along ``axis`` (0 by default; an int
    or a name); ``reverse=True`` accumulates from the end.

    Type, shape and names are the input's. As in ``nx.min``, a NaN propagates
    to every later position and ``-0.0`` is below ``0.0``. Complex inputs raise.

    >>> nx.cumulative_min(nx.tensor([3, 4, 2, 1]))
    #Nx.Tensor<
      s32[4]
      [3, 3, 2, 1]
    >
    >>> t = {_MIN_MAX_INPUT}
    >>> nx.cumulative_min(t, axis=0)
    #Nx.Tensor<
      s32[3][3]
      [
        [2, 3, 1],
        [1, 3, 1],
        [1, 1, 1]
      ]
    >
    >>> nx.cumulative_min(t, axis=1)
    #Nx.Tensor<
      s32[3][3]
      [
        [2, 2, 1],
        [1, 1, 1],
        [2, 1, 1]
      ]
    >
    >>> nx.cumulative_min(t, axis=0, reverse=True)
    #Nx.Tensor<
      s32[3][3]
      [
        [1, 1, 1],
        [1, 1, 2],
        [2, 1, 3]
      ]
    >
    >>> nx.cumulative_min(t, axis=1, reverse=True)
    #Nx.Tensor<
      s32[3][3]
      [
        [1, 1, 1],
        [1, 2, 2],
        [1, 1, 3]
      ]
    >
    >>> nx.cumulative_min(nx.tensor([2.0, float("nan"), 1.0]))
    #Nx.Tensor<
      f32[3]
      [2.0, NaN, NaN]
    >
    >>> nx.cumulative_min(nx.tensor([1j, 2j]))
    Traceback (most recent call last):
    ...
    spec.errors.TypeError_: nx.cumulative_min/2 does not support complex inputs, got: c64
    """)

cumulative_max = _declare("cumulative_max", "max", types.REAL_TYPES, doc=f"""
    The cumulative maximum of the elements along ``axis`` (0 by default; an int
    or a name); ``reverse=True`` accumulates from the end.

    Type, shape and names are the input's. As in ``nx.max``, a NaN propagates
    to every later position and ``0.0`` is above ``-0.0``. Complex inputs raise.

    >>> nx.cumulative_max(nx.tensor([3, 4, 2, 1]))
    #Nx.Tensor<
      s32[4]
      [3, 4, 4, 4]
    >
    >>> t = {_MIN_MAX_INPUT}
    >>> nx.cumulative_max(t, axis=0)
    #Nx.Tensor<
      s32[3][3]
      [
        [2, 3, 1],
        [2, 3, 2],
        [2, 3, 3]
      ]
    >
    >>> nx.cumulative_max(t, axis=1)
    #Nx.Tensor<
      s32[3][3]
      [
        [2, 3, 3],
        [1, 3, 3],
        [2, 2, 3]
      ]
    >
    >>> nx.cumulative_max(t, axis=0, reverse=True)
    #Nx.Tensor<
      s32[3][3]
      [
        [2, 3, 3],
        [2, 3, 3],
        [2, 1, 3]
      ]
    >
    >>> nx.cumulative_max(t, axis=1, reverse=True)
    #Nx.Tensor<
      s32[3][3]
      [
        [3, 3, 1],
        [3, 3, 2],
        [3, 3, 3]
      ]
    >
    >>> nx.cumulative_max(nx.tensor([[1.0, 5.0], [4.0, 2.0]], names=["x", "y"]), axis="y")
    #Nx.Tensor<
      f32[x: 2][y: 2]
      [
        [1.0, 5.0],
        [4.0, 4.0]
      ]
    >
    """)
