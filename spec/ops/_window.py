"""The rules every window op shares: its options, written once.

A window op slides a window of ``window_dimensions`` (one size per axis of the
tensor) over the tensor padded by ``padding``, taking a step of ``strides``
between windows and leaving ``window_dilations - 1`` elements between the
window's own elements. The options, as Nx takes them:

* ``strides``: an int for every axis, or a list with one positive int per axis
  (default 1);
* ``padding``: ``"valid"`` (none), ``"same"`` (``span - 1`` elements split
  between the edges, the larger half high, where ``span`` is the window's extent
  after dilation; strides are not considered, as in Nx) or a list of one
  ``(low, high)`` pair of ints per axis; negative values remove elements from
  that edge (Nx pads with ``Nx.pad``, which allows them);
* ``window_dilations``: an int for every axis, or a list of one positive int
  per axis (default 1).

The backends receive them canonical: tuples of ints and a tuple of pairs.
Along each axis the output has ``(padded - span) // stride + 1`` elements,
where ``padded = size + low + high``; a window that does not fit in the padded
axis is an error (Nx rejects results that would be empty).

Grad rules of the window ops look at each element of every window at once:
:func:`window_taps` gives, for each position in the window, the strided slice
of the padded tensor that holds that element of every window.

>>> from spec import types
>>> from spec.registry import TensorSpec
>>> x = TensorSpec(types.normalize("f32"), (4, 6), ("x", "y"))
>>> opts = normalize_window("window_sum", x, (2, 3), 2, "same", 1)
>>> opts["padding"], window_shape("window_sum", x.shape, **opts)
(((0, 1), (1, 1)), (2, 3))
"""

from __future__ import annotations

import itertools

from spec.errors import ArgumentError, ShapeError
from spec.registry import option

__all__ = ["WINDOW_OPTIONS", "normalize_window", "window_shape", "window_dimensions",
           "per_axis", "window_padding", "span", "window_taps", "select_index"]

WINDOW_OPTIONS = (
    option("strides", 1, "the step between windows: an int, or one positive int per axis"),
    option("padding", "valid", '"valid", "same", or one (low, high) pair of ints per axis'),
    option("window_dilations", 1,
           "the step between the elements of a window: an int, or one positive int per axis"),
)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def span(window, dilation) -> int:
    """The extent of a window of ``window`` elements ``dilation`` apart.

    >>> span(3, 1), span(3, 2), span(1, 5)
    (3, 5, 1)
    """
    return (window - 1) * dilation + 1


def window_dimensions(name, shape, value) -> tuple:
    """``window_dimensions`` checked against ``shape``: one positive int per axis.

    >>> window_dimensions("window_sum", (2, 3), [1, 2])
    (1, 2)
    >>> window_dimensions("window_sum", (2, 3), (0, 2))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: nx.window_sum: invalid dimension in axis 0 found in window_dimensions: each dimension must be a positive integer, got 0 in (0, 2)
    """
    if not isinstance(value, (tuple, list)):
        raise ArgumentError(
            f"nx.{name}: invalid window_dimensions: expected a tuple with the size of each "
            f"dimension of the window, got: {value!r:.80}")
    for axis, d in enumerate(value):
        if not _is_int(d) or d < 1:
            raise ShapeError(
                f"nx.{name}: invalid dimension in axis {axis} found in window_dimensions: each "
                f"dimension must be a positive integer, got {d!r:.40} in {tuple(value)!r:.80}")
    if len(value) != len(shape):
        raise ShapeError(
            f"nx.{name}: invalid window dimensions, rank of shape ({len(shape)}) does not "
            f"match rank of window ({len(value)}), for shape {tuple(shape)} and window "
            f"{tuple(value)}")
    return tuple(value)


def per_axis(name, value, rank, argument) -> tuple:
    """An int (the same for every axis) or a list of ``rank`` ints, each >= 1.

    >>> per_axis("window_sum", 2, 3, "strides"), per_axis("window_sum", [1, 3], 2, "strides")
    ((2, 2, 2), (1, 3))
    >>> per_axis("window_sum", [1, 0], 2, "strides")
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: nx.window_sum: strides must be positive integers, got [1, 0]
    """
    if _is_int(value):
        value = [value] * rank
    if not isinstance(value, (list, tuple)):
        raise ArgumentError(
            f"nx.{name}: {argument} must be a positive integer or a list of positive "
            f"integers, one per axis, got: {value!r:.80}")
    if len(value) != rank:
        raise ShapeError(
            f"nx.{name}: invalid {argument}, rank of shape ({rank}) does not match rank of "
            f"{argument} ({len(value)}), got {list(value)!r:.80}")
    if not all(_is_int(v) and v >= 1 for v in value):
        raise ArgumentError(
            f"nx.{name}: {argument} must be positive integers, got {list(value)!r:.80}")
    return tuple(value)


def window_padding(name, padding, rank, spans) -> tuple:
    """Explicit ``(low, high)`` pairs from a padding mode or a list of pairs.

    >>> window_padding("window_max", "same", 2, (3, 4)), window_padding("window_max", [(1, -1)], 1, (2,))
    (((1, 1), (1, 2)), ((1, -1),))
    >>> window_padding("window_max", "full", 1, (2,))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: nx.window_max: invalid padding mode specified, padding must be one of "valid", "same", or a padding configuration (a list of (low, high) pairs), got: 'full'
    """
    if isinstance(padding, str) and padding == "valid":
        return tuple((0, 0) for _ in range(rank))
    if isinstance(padding, str) and padding == "same":
        return tuple(((s - 1) // 2, s // 2) for s in spans)
    if not isinstance(padding, (list, tuple)):
        raise ArgumentError(
            f'nx.{name}: invalid padding mode specified, padding must be one of "valid", '
            f'"same", or a padding configuration (a list of (low, high) pairs), got: '
            f"{padding!r:.80}")
    pairs = []
    for pair in padding:
        if not (isinstance(pair, (list, tuple)) and len(pair) == 2 and all(map(_is_int, pair))):
            raise ArgumentError(
                f"nx.{name}: padding must be a list of (low, high) pairs, where each element "
                f"is an integer, got: {list(padding)!r:.120}")
        pairs.append(tuple(pair))
    if len(pairs) != rank:
        raise ShapeError(
            f"nx.{name}: padding must have one (low, high) pair per axis of the tensor "
            f"({rank}), got {len(pairs)}: {pairs!r:.120}")
    return tuple(pairs)


def window_shape(name, shape, *, window_dimensions, strides, padding, window_dilations):
    """The output shape of a window op from canonical options (see the module
    docstring); an error names the first axis where the window does not fit.

    >>> window_shape("window_sum", (5,), window_dimensions=(2,), strides=(2,),
    ...              padding=((0, 0),), window_dilations=(1,))
    (2,)
    >>> window_shape("window_sum", (1, 2), window_dimensions=(1, 3), strides=(1, 1),
    ...              padding=((0, 0), (0, 0)), window_dilations=(1, 1))
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: nx.window_sum: window dimensions would result in an empty tensor: on axis 1 the window spans 3 elements (window 3, dilation 1) but the padded axis has 2 (size 2, padding (0, 0)), for shape (1, 2) and window (1, 3)
    """
    out = []
    for axis, dim in enumerate(shape):
        w, s, d = window_dimensions[axis], strides[axis], window_dilations[axis]
        low, high = padding[axis]
        padded, extent = dim + low + high, span(w, d)
        if padded < extent:
            raise ShapeError(
                f"nx.{name}: window dimensions would result in an empty tensor: on axis "
                f"{axis} the window spans {extent} elements (window {w}, dilation {d}) but the "
                f"padded axis has {padded} (size {dim}, padding {(low, high)}), for shape "
                f"{tuple(shape)} and window {tuple(window_dimensions)}")
        out.append((padded - extent) // s + 1)
    return tuple(out)


def normalize_window(name, x, window, strides, padding, window_dilations, dilations=True):
    """The canonical options of a window op on a tensor of spec ``x``, checked in
    Nx's order (window, strides, dilations, padding, then the fit of the window).
    ``dilations=False`` for the scatters, which have no ``window_dilations``."""
    window = window_dimensions(name, x.shape, window)
    opts = {"window_dimensions": window,
            "strides": per_axis(name, strides, x.rank, "strides")}
    dilation = per_axis(name, window_dilations, x.rank, "window_dilations")
    opts["padding"] = window_padding(name, padding, x.rank, tuple(map(span, window, dilation)))
    if dilations:
        opts["window_dilations"] = dilation
    window_shape(name, x.shape, window_dilations=dilation,
                 **{k: opts[k] for k in ("window_dimensions", "strides", "padding")})
    return opts


# -- helpers of the gradient rules (against an op namespace) ----------------------

def window_taps(ops, t, fill, out_shape, *, window_dimensions, strides, padding,
                window_dilations=None):
    """For each position in the window (row-major), the tensor of ``out_shape``
    holding that element of every window of ``t`` padded with ``fill``."""
    dilations = window_dilations or (1,) * len(window_dimensions)
    padded = ops.pad(t, fill, [(low, high, 0) for low, high in padding])
    lengths = [(o - 1) * s + 1 for o, s in zip(out_shape, strides)]
    return [ops.slice(padded, [k * d for k, d in zip(offsets, dilations)], lengths,
                      strides=list(strides))
            for offsets in itertools.product(*(range(w) for w in window_dimensions))]


def select_index(ops, taps, compare):
    """The position in its window of the element each window selects, as the
    scatters select (see :mod:`spec.ops.window_scatter`): start with the first,
    move to each later element ``x`` where ``compare(x, selected)`` holds."""
    best = taps[0]
    index = ops.broadcast(0, tuple(best.shape))
    for k, tap in enumerate(taps[1:], 1):
        take = compare(tap, best)
        best = ops.select(take, tap, best)
        index = ops.select(take, k, index)
    return index
