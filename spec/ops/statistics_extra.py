"""More statistics: weighted_mean, median, mode, covariance, and the discrete
difference ``diff``.

Each is a composite written once against the ``nx`` namespace (over sort,
slicing, the arithmetic ops, the reductions, dot, indexed_add and
take_along_axis), as Nx defines them, so every backend gets them. The type,
shape and naming rules of the compositions are derived here from the rules of
the ops they call (:func:`_rule`), so the declaration and the composite agree.
"""

from __future__ import annotations

import operator

from spec import registry, types
from spec.errors import ArgumentError, ShapeError
from spec.ops._reduce import as_spec
from spec.ops.sorting import reject_complex
from spec.registry import Op, Param, TensorSpec, option, register, tensor
from spec.shapes import normalize_axes, normalize_axis, reduce_shape

__all__ = ["weighted_mean", "median", "mode", "covariance", "check_covariance_input"]

_TOLERANCE = {"f8": 2, "f8_e4m3fn": 2, "f16": 2, "bf16": 2, "f32": 2, "f64": 2,
              "c64": 2, "c128": 2}
_AXIS = option("axis", None, "the axis to reduce (int or name); None: every axis")
_KEEP_AXIS = option("keep_axis", False, "keep the reduced axis (or every axis) with size 1")


def _rule(name, *args, **opts):
    """The output spec of op ``name`` on specs ``args``: its own rules."""
    op = registry.get(name)
    return op.infer(*args, **op.normalize(*args, **opts))


def _int(fname, argument, value):
    if not isinstance(value, bool):
        try:
            return operator.index(value)
        except TypeError:
            pass
    raise ArgumentError(f"nx.{fname}: expected {argument} to be an integer, got: {value!r:.80}")


# -- weighted_mean -----------------------------------------------------------------

def _placed_shape(x, w, axes):
    """The shape the weights take when their axes i sit at the tensor's axes[i]."""
    dims = [1] * x.rank
    for i, a in enumerate(axes):
        dims[a] = w.shape[i]
    return tuple(dims)


def _weighted_mean_normalize(x, w, *, axes=None, keep_axes=False):
    x, w = as_spec(x), as_spec(w)
    if axes is not None:
        if isinstance(axes, bool) or not isinstance(axes, (list, tuple, int, str)):
            raise ArgumentError(
                f"expected axes to be a list of integers or axis names, got: {axes!r:.80}")
        axes = normalize_axes(axes, x.shape, x.names)
    if w.shape != x.shape:
        if axes is None:
            raise ArgumentError("axes must be specified when shapes of input and weights differ")
        if w.rank != len(axes):
            raise ShapeError(
                "weights tensor must have rank equal to the number of aggregation axes when "
                f"input shapes differ, got weights of shape {w.shape} for axes {list(axes)}")
        for i, a in enumerate(axes):
            if w.shape[i] != x.shape[a]:
                raise ShapeError(
                    f"nx.weighted_mean: axis {i} of the weights (shape {w.shape}) has size "
                    f"{w.shape[i]} but it weighs axis {a} of the tensor (shape {x.shape}), "
                    f"of size {x.shape[a]}")
    return {"axes": axes, "keep_axes": bool(keep_axes)}


def _weighted_mean_infer(x, w, *, axes, keep_axes):
    x, w = as_spec(x), as_spec(w)
    if w.shape != x.shape:
        w = TensorSpec(w.type, _placed_shape(x, w, axes), (None,) * x.rank)
    reduce = {"axes": None if axes is None else list(axes), "keep_axes": keep_axes}
    total = _rule("sum", _rule("multiply", x, w), **reduce)
    return _rule("divide", total, _rule("sum", w, **reduce))


def _weighted_mean(nx, x, w, *, axes, keep_axes):
    if w.shape != x.shape:
        order = sorted(range(len(axes)), key=lambda i: axes[i])
        if order != list(range(len(axes))):
            w = nx.transpose(w, axes=order)
        w = nx.reshape(w, _placed_shape(x, w, sorted(axes)))
    reduce = {"axes": None if axes is None else list(axes), "keep_axes": keep_axes}
    return nx.divide(nx.sum(nx.multiply(x, w), **reduce), nx.sum(w, **reduce))


weighted_mean = register(Op(
    name="weighted_mean", family="statistics",
    params=(tensor("tensor"), tensor("weights"),
            option("axes", None, "the axes to reduce (ints or names); None: every axis"),
            option("keep_axes", False, "keep the reduced axes with size 1")),
    normalize=_weighted_mean_normalize, infer=_weighted_mean_infer,
    composite=_weighted_mean, tolerance=_TOLERANCE,
    doc="""The weighted mean of a tensor: ``sum(tensor * weights) / sum(weights)``
    over all axes or over ``axes`` (``keep_axes`` keeps them with size 1).

    ``weights`` has the tensor's shape, or, with ``axes``, one axis per reduced
    axis: weights axis ``i`` weighs tensor axis ``axes[i]`` and has its size.
    The type is that of the division (``to_floating`` of the sums' types).
    (With several axes and weights of another shape, Nx moves the weights' last
    axis to ``axes[0]``, which pairs them with the wrong axes unless the
    weights are the same along them; here the pairing is the one listed.)

    >>> nx.weighted_mean(nx.tensor(42), nx.tensor(2))
    #Nx.Tensor<
      f32
      42.0
    >
    >>> nx.weighted_mean(nx.tensor([1, 2, 3]), nx.tensor([3, 2, 1]))
    #Nx.Tensor<
      f32
      1.6666666
    >
    >>> nx.weighted_mean(nx.tensor([1, 2, 3], names=["x"]), nx.tensor([4, 5, 6]), axes=[0])
    #Nx.Tensor<
      f32
      2.1333334
    >
    >>> nx.weighted_mean(nx.tensor([1, 2, 3], type="u8", names=["x"]), nx.tensor([1, 3, 5]), axes=["x"])
    #Nx.Tensor<
      f32
      2.4444444
    >
    >>> nx.weighted_mean(nx.iota((3, 4)), nx.tensor([1, 2, 3, 4]), axes=[1])
    #Nx.Tensor<
      f32[3]
      [2.0, 6.0, 10.0]
    >
    >>> nx.weighted_mean(nx.iota((2, 4, 4, 1)), nx.broadcast(2, (4, 4)), axes=[1, 2])
    #Nx.Tensor<
      f32[2][1]
      [
        [7.5],
        [23.5]
      ]
    >
    >>> t = nx.iota((2, 2, 3), names=["x", "y", "z"])
    >>> weights = nx.tensor([[[0, 1, 2], [1, 1, 0]], [[-1, 1, -1], [1, 1, -1]]])
    >>> nx.weighted_mean(t, weights, axes=[-1], keep_axes=True)
    #Nx.Tensor<
      f32[x: 2][y: 2][z: 1]
      [
        [
          [1.6666666],
          [3.5]
        ],
        [
          [7.0],
          [8.0]
        ]
      ]
    >
    >>> nx.weighted_mean(nx.iota((2, 3)), nx.tensor([1, 2, 3]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: axes must be specified when shapes of input and weights differ
    """,
))


# -- median and mode ---------------------------------------------------------------

def _order_statistic_normalize(name):
    def normalize(x, *, axis=None, keep_axis=False):
        x = as_spec(x)
        reject_complex(name, 2, x)
        if axis is not None:
            axis = normalize_axis(axis, x.shape, x.names)
        return {"axis": axis, "keep_axis": bool(keep_axis)}
    return normalize


def _reduced(x, type_, axis, keep_axis):
    """The spec of reducing ``axis`` (None: every axis) of ``x`` into ``type_``."""
    if axis is None and not keep_axis:
        return TensorSpec(type_, (), ())
    shape, names = reduce_shape(x.shape, x.names, None if axis is None else (axis,), keep_axis)
    return TensorSpec(type_, shape, names)


def _median_infer(x, *, axis, keep_axis):
    x = as_spec(x)
    count = x.size if axis is None else x.shape[axis]
    type_ = x.type if count % 2 else types.to_floating(x.type)
    return _reduced(x, type_, axis, keep_axis)


def _keep_all(nx, x, result, keep_axis):
    """With ``axis=None``: the scalar result, or with every axis kept (size 1)."""
    if not keep_axis:
        return result
    return nx.reshape(result, (1,) * x.rank, names=list(x.names))


def _median(nx, x, *, axis, keep_axis):
    if axis is None:
        if x.size == 0:
            return _keep_all(nx, x, nx.mean(x), keep_axis)
        return _keep_all(nx, x, _median(nx, nx.flatten(x), axis=0, keep_axis=False), keep_axis)
    count = x.shape[axis]
    if count == 0:
        return nx.mean(x, axes=[axis], keep_axes=keep_axis)
    ordered = nx.sort(x, axis=axis)
    if count % 2:
        middle = nx.slice_along_axis(ordered, count // 2, 1, axis=axis)
        return middle if keep_axis else nx.squeeze(middle, axes=[axis])
    pair = nx.slice_along_axis(ordered, count // 2 - 1, 2, axis=axis)
    return nx.mean(pair, axes=[axis], keep_axes=keep_axis)


median = register(Op(
    name="median", family="statistics",
    params=(tensor("tensor"), _AXIS, _KEEP_AXIS),
    normalize=_order_statistic_normalize("median"), infer=_median_infer,
    composite=_median, tolerance=_TOLERANCE, accepts=types.REAL_TYPES,
    doc="""The median of a tensor: the middle value of the sorted elements, over
    every element or along ``axis`` (an index or a name), which
    ``keep_axis=True`` keeps with size 1 (without ``axis``: every axis).

    With an odd count the median is an element, of the input's type; with an
    even count it is the mean of the two middle elements, of ``to_floating``
    of the input's type. So the type depends on the size of the reduced axis,
    as in Nx. The order is :func:`sort`'s: NaN sorts above everything, so
    NaN is the median only where it fills the upper half (numpy propagates
    it). An empty group has an even count: its median is NaN. Complex tensors
    raise, as sort does.

    Two rules are the spec's own: the two middle elements are averaged with
    :func:`mean` in every case (Nx adds them in the input's type when no
    axis is given, where integers wrap around), and ``keep_axis`` without an
    axis keeps every axis (Nx ignores it there).

    >>> nx.median(nx.tensor(42))
    #Nx.Tensor<
      s32
      42
    >
    >>> nx.median(nx.tensor([1, 2, 3]))
    #Nx.Tensor<
      s32
      2
    >
    >>> nx.median(nx.tensor([1, 2]))
    #Nx.Tensor<
      f32
      1.5
    >
    >>> nx.median(nx.iota((2, 3, 3)))
    #Nx.Tensor<
      f32
      8.5
    >
    >>> nx.median(nx.tensor([[1, 2, 3], [4, 5, 6]], names=["x", "y"]), axis=0)
    #Nx.Tensor<
      f32[y: 3]
      [2.5, 3.5, 4.5]
    >
    >>> nx.median(nx.tensor([[1, 2, 3], [4, 5, 6]], names=["x", "y"]), axis="y")
    #Nx.Tensor<
      s32[x: 2]
      [2, 5]
    >
    >>> nx.median(nx.iota((2, 2, 3), names=["x", "y", "z"]), axis="x")
    #Nx.Tensor<
      f32[y: 2][z: 3]
      [
        [3.0, 4.0, 5.0],
        [6.0, 7.0, 8.0]
      ]
    >
    >>> t = nx.tensor([[[1, 2, 2], [3, 4, 2]], [[4, 5, 2], [7, 9, 2]]])
    >>> nx.median(t, axis=-1, keep_axis=True)
    #Nx.Tensor<
      s32[2][2][1]
      [
        [
          [2],
          [3]
        ],
        [
          [4],
          [7]
        ]
      ]
    >
    >>> nx.median(nx.tensor([1.0, float("nan"), 3.0]))
    #Nx.Tensor<
      f32
      3.0
    >
    >>> nx.median(nx.tensor([200, 250], type="u8"))
    #Nx.Tensor<
      f32
      225.0
    >
    """,
))


def _mode_normalize(x, **opts):
    opts = _order_statistic_normalize("mode")(x, **opts)
    x, axis = as_spec(x), opts["axis"]
    if axis is None and x.size == 0:
        raise ArgumentError(f"nx.mode of an empty tensor (shape {x.shape}) has no value to return")
    if axis is not None and x.shape[axis] == 0:
        raise ArgumentError(
            f"nx.mode over axis {axis}, which has size 0 in shape {x.shape}, has no value "
            f"to return")
    return opts


def _mode_along(nx, x, axis):
    """The mode along ``axis`` (kept with size 1): count each run of equal
    values of the sorted tensor, pick the longest run (the first, so the
    smallest value, on ties) and read its value."""
    n = x.shape[axis]
    ordered = nx.sort(x, axis=axis)
    if n == 1 or x.size == 0:
        return nx.slice_along_axis(ordered, 0, 1, axis=axis)
    firsts = nx.broadcast(0, x.shape[:axis] + (1,) + x.shape[axis + 1:])
    starts = nx.not_equal(nx.slice_along_axis(ordered, 0, n - 1, axis=axis),
                          nx.slice_along_axis(ordered, 1, n - 1, axis=axis))
    runs = nx.cumulative_sum(nx.concatenate([firsts, starts], axis=axis), axis=axis)
    total = x.size
    coordinates = [nx.reshape(runs if i == axis else nx.iota(x.shape, axis=i), (total, 1))
                   for i in range(x.rank)]
    counts = nx.indexed_add(nx.broadcast(0, x.shape), nx.concatenate(coordinates, axis=1),
                            nx.broadcast(1, (total,)))
    longest = nx.argmax(counts, axis=axis, keep_axis=True)
    first = nx.argmax(nx.equal(runs, longest), axis=axis, keep_axis=True)
    return nx.take_along_axis(ordered, first, axis=axis)


def _mode(nx, x, *, axis, keep_axis):
    if axis is None:
        return _keep_all(nx, x, nx.squeeze(_mode_along(nx, nx.flatten(x), 0), axes=[0]),
                         keep_axis)
    result = _mode_along(nx, x, axis)
    return result if keep_axis else nx.squeeze(result, axes=[axis])


mode = register(Op(
    name="mode", family="statistics",
    params=(tensor("tensor"), _AXIS, _KEEP_AXIS),
    normalize=_mode_normalize, composite=_mode, accepts=types.REAL_TYPES,
    infer=lambda x, *, axis, keep_axis: _reduced(as_spec(x), as_spec(x).type, axis, keep_axis),
    differentiable=False,
    doc="""The mode of a tensor: its most frequent value, over every element or
    along ``axis`` (an index or a name), which ``keep_axis=True`` keeps with
    size 1 (without ``axis``: every axis, as in Nx). The type is the input's.

    Among equally frequent values the smallest wins (as with numpy's
    ``np.unique`` and ``argmax``). Values are compared with :func:`equal`:
    ``0.0`` and ``-0.0`` are one value, and each NaN is a value of its own
    (numpy's ``np.unique`` counts NaNs together). Empty groups raise, there
    being no value to return; complex tensors raise, as sort does. (Nx
    counts in the input's type, where counts wrap around for narrow types;
    here they are s32. On a scalar, Nx's ``keep_axis`` gives shape ``(1,)``;
    here the scalar keeps its rank 0.)

    >>> nx.mode(nx.tensor(42))
    #Nx.Tensor<
      s32
      42
    >
    >>> nx.mode(nx.tensor([[1]]))
    #Nx.Tensor<
      s32
      1
    >
    >>> nx.mode(nx.tensor([1, 2, 2, 3, 5]))
    #Nx.Tensor<
      s32
      2
    >
    >>> nx.mode(nx.tensor([[1, 2, 2, 3, 5], [1, 1, 76, 8, 1]]))
    #Nx.Tensor<
      s32
      1
    >
    >>> nx.mode(nx.tensor([[1, 2, 2, 3, 5], [1, 1, 76, 8, 1]]), axis=0)
    #Nx.Tensor<
      s32[5]
      [1, 1, 2, 3, 1]
    >
    >>> nx.mode(nx.tensor([[1, 2, 2, 3, 5], [1, 1, 76, 8, 1]]), axis=1)
    #Nx.Tensor<
      s32[2]
      [2, 1]
    >
    >>> nx.mode(nx.tensor([[[1]]]), axis=1)
    #Nx.Tensor<
      s32[1][1]
      [
        [1]
      ]
    >
    >>> nx.mode(nx.tensor([[1, 2, 2, 3, 5], [1, 1, 76, 8, 1]], names=["x", "y"]), axis="y", keep_axis=True)
    #Nx.Tensor<
      s32[x: 2][y: 1]
      [
        [2],
        [1]
      ]
    >
    >>> nx.mode(nx.tensor([3.0, float("nan"), float("nan"), 1.0]))
    #Nx.Tensor<
      f32
      1.0
    >
    >>> nx.mode(nx.iota((2, 0)), axis=1)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: nx.mode over axis 1, which has size 0 in shape (2, 0), has no value to return
    """,
))


# -- covariance --------------------------------------------------------------------

def check_covariance_input(x):
    """Nx's rank rule for the input of :func:`covariance` (a spec)."""
    x = as_spec(x)
    if x.rank < 2:
        raise ShapeError(f"expected input tensor of rank at least 2, got {x.rank}")


def _centered(x, mean):
    """The spec of ``x - new_axis(mean, -2)`` with the names dropped."""
    lifted = TensorSpec(mean.type, mean.shape[:-1] + (1,) + mean.shape[-1:], (None,) * (mean.rank + 1))
    try:
        c = _rule("subtract", x, lifted)
    except ShapeError:
        raise ShapeError(
            f"nx.covariance: the mean (shape {mean.shape}) must have shape (..., d) with a batch "
            f"shape broadcastable with the tensor's (shape {x.shape}, d = {x.shape[-1]})") from None
    return TensorSpec(c.type, c.shape, (None,) * c.rank)


def _covariance_normalize(x, mean, *, ddof=0):
    x, mean = as_spec(x), as_spec(mean)
    check_covariance_input(x)
    if mean.rank == 0:
        raise ShapeError("expected mean of rank at least 1, got 0")
    if isinstance(ddof, bool) or not isinstance(ddof, int) or ddof < 0:
        raise ArgumentError(f"expected ddof to be a non-negative integer, got {ddof!r:.80}")
    _centered(x, mean)
    return {"ddof": ddof}


def _covariance_infer(x, mean, *, ddof):
    c = _centered(as_spec(x), as_spec(mean))
    shape = c.shape[:-2] + (c.shape[-1], c.shape[-1])
    return TensorSpec(types.to_floating(c.type), shape, (None,) * len(shape))


def _covariance(nx, x, mean, *, ddof):
    centered = nx.subtract(x, nx.new_axis(mean, -2))
    rank = centered.rank
    centered = nx.rename(centered, [None] * rank)
    conjugated = nx.conjugate(centered) if centered.type.is_complex else centered
    batch = list(range(rank - 2))
    products = nx.dot(conjugated, [rank - 2], batch, centered, [rank - 2], batch)
    return nx.divide(products, centered.shape[-2] - ddof)


covariance = register(Op(
    name="covariance", family="statistics",
    params=(tensor("tensor"), Param("mean", "tensor", None,
                                    "the column means, shape (..., d); default: nx.mean(tensor, axes=[-2])"),
            option("ddof", 0, "delta degrees of freedom: the divisor is n - ddof")),
    normalize=_covariance_normalize, infer=_covariance_infer, composite=_covariance,
    tolerance=_TOLERANCE,
    doc="""The covariance matrix of a tensor of shape ``(..., n, d)``: ``n``
    observations of ``d`` variables (leading axes are batches). Entry
    ``(i, j)`` is the sum over observations of ``conj(x_i - m_i) * (x_j -
    m_j)``, divided by ``n - ddof`` (``ddof`` 0 by default).

    ``mean`` (shape ``(..., d)``, batch shape broadcastable with the tensor's)
    gives the column means; by default they are ``nx.mean(tensor, axes=[-2])``.
    The type is ``to_floating`` of the deviations' type; the output has no
    names. For complex tensors entry ``(i, j)`` conjugates variable ``i``, as
    in Nx: it is the conjugate of numpy's ``np.cov`` entry.

    >>> nx.covariance(nx.tensor([[1, 2], [3, 4], [5, 6]]))
    #Nx.Tensor<
      f32[2][2]
      [
        [2.6666667, 2.6666667],
        [2.6666667, 2.6666667]
      ]
    >
    >>> nx.covariance(nx.tensor([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]))
    #Nx.Tensor<
      f32[2][2][2]
      [
        [
          [2.6666667, 2.6666667],
          [2.6666667, 2.6666667]
        ],
        [
          [2.6666667, 2.6666667],
          [2.6666667, 2.6666667]
        ]
      ]
    >
    >>> nx.covariance(nx.tensor([[1, 2], [3, 4], [5, 6]]), ddof=1)
    #Nx.Tensor<
      f32[2][2]
      [
        [4.0, 4.0],
        [4.0, 4.0]
      ]
    >
    >>> nx.covariance(nx.tensor([[1, 2], [3, 4], [5, 6]]), nx.tensor([4, 3]))
    #Nx.Tensor<
      f32[2][2]
      [
        [3.6666667, 1.6666666],
        [1.6666666, 3.6666667]
      ]
    >
    >>> nx.covariance(nx.tensor([1, 2, 3]))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: expected input tensor of rank at least 2, got 1
    >>> nx.covariance(nx.tensor([[1, 2], [3, 4]]), nx.tensor([1, 2]), ddof=-1)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: expected ddof to be a non-negative integer, got -1
    """,
))
