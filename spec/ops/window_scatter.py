"""window_reduce (a window fold with a Python function) and the window
scatters, window_scatter_max and window_scatter_min: Backend primitives, as
Nx's callbacks. Options and the shape rule are in :mod:`spec.ops._window`.

Rules written down here:

* ``window_reduce(t, acc, window_dimensions, fun)`` calls ``fun(element,
  accumulator)`` on scalar tensors, element first as Nx's backends do: for each
  window, ``acc`` then the result of each call is the accumulator, and the
  elements come in row-major window order; padded positions hold ``acc`` itself.
  ``fun`` returns a scalar tensor or a number; the last result is converted to
  the output type, which is the tensor's (names too), as in Nx. ``acc`` must be
  a scalar; a Python number is a literal of its default type (s32, f32).
* The scatters select one element of each window of ``tensor`` padded with
  ``init_value``: the first element, then each later element ``x`` with ``x >=
  selected`` (max) or ``x <= selected`` (min), so ties go to the last of equal
  extremes and a NaN is only selected where it comes first (comparisons with
  NaN are false). The matching ``source`` value is added at the selected
  position of an output of the tensor's shape and names filled with
  ``init_value``; a source value whose window selects a padded position is
  dropped. This is Nx's BinaryBackend, whose tests pin it; XLA leaves padded
  positions out of the selection.
* The scatters' type is ``merge(source, init_value)`` (a Python number is a
  tensor of its default type, as Nx's ``to_tensor``); complex types raise. There
  is no ``window_dilations`` option, as in Nx.
"""

from __future__ import annotations

from spec import types
from spec.errors import ArgumentError, ShapeError, TypeError_
from spec.ops._reduce import as_spec
from spec.ops._window import (WINDOW_OPTIONS, normalize_window, select_index, window_shape,
                              window_taps)
from spec.ops.windows import no_grad
from spec.registry import Op, TensorSpec, option, register, static, tensor

__all__ = ["window_reduce", "window_scatter_max", "window_scatter_min"]


def _check_scalar(name, value, argument):
    spec = as_spec(value)
    if spec.shape != ():
        raise ArgumentError(f"nx.{name}: {argument} must be a scalar, got a tensor of shape "
                            f"{spec.shape}")
    return spec


# -- window_reduce ----------------------------------------------------------------------

def _reduce_normalize(x, acc, window_dimensions, fun, *, strides=1, padding="valid",
                      window_dilations=1):
    _check_scalar("window_reduce", acc, "the accumulator (acc)")
    if not callable(fun):
        raise ArgumentError(f"nx.window_reduce: fun must be a function of two arguments "
                            f"(element, accumulator), got: {fun!r:.80}")
    opts = normalize_window("window_reduce", as_spec(x), window_dimensions, strides, padding,
                            window_dilations)
    return {**opts, "fun": fun}


def _reduce_infer(x, acc, _window, _fun, *, fun, **opts):
    x = as_spec(x)
    return TensorSpec(x.type, window_shape("window_reduce", x.shape, **opts), x.names)


window_reduce = register(Op(
    name="window_reduce", family="window",
    params=(tensor("tensor"), tensor("acc"), static("window_dimensions"), static("fun"))
    + WINDOW_OPTIONS,
    infer=_reduce_infer, normalize=_reduce_normalize,
    grad=no_grad("window_reduce", 5, "If you are computing the sum, max, or similar of a "
                 "window, use the matching nx.window_* function instead."),
    backend_options=("window_dimensions", "strides", "padding", "window_dilations", "fun"),
    doc="""
    Folds each window of ``window_dimensions`` with ``fun(element, acc)``,
    starting from the scalar ``acc``, which also fills the padding. Options as
    :func:`window_sum`. The type and names are the tensor's.

    >>> init_value = nx.constants.min_finite("s32")
    >>> t = nx.tensor([[1, 2, 3, 4], [4, 5, 6, 7], [7, 8, 9, 10], [11, 12, 13, 14]])
    >>> nx.window_reduce(t, init_value, (2, 2), lambda x, acc: nx.max(x, acc))
    #Nx.Tensor<
      s32[3][3]
      [
        [5, 6, 7],
        [8, 9, 10],
        [12, 13, 14]
      ]
    >
    >>> t = nx.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    >>> nx.window_reduce(t, init_value, (2, 2), lambda x, acc: nx.max(x, acc),
    ...                  padding="same", strides=[1, 1])
    #Nx.Tensor<
      s32[3][3]
      [
        [5, 6, 6],
        [8, 9, 9],
        [8, 9, 9]
      ]
    >
    >>> t = nx.tensor([[1, 2, 3], [4, 5, 6]])
    >>> nx.window_reduce(t, 0, (1, 2), lambda x, acc: nx.add(x, acc), padding="same", strides=[1, 1])
    #Nx.Tensor<
      s32[2][3]
      [
        [3, 5, 3],
        [9, 11, 6]
      ]
    >
    >>> t = nx.tensor([[[4, 2, 1, 3], [4, 2, 1, 7]], [[1, 2, 5, 7], [1, 8, 9, 2]]])
    >>> nx.window_reduce(t, 0, (1, 1, 2), nx.add, padding="valid", strides=[2, 1, 1],
    ...                  window_dilations=[1, 1, 2])
    #Nx.Tensor<
      s32[1][2][2]
      [
        [
          [5, 5],
          [5, 9]
        ]
      ]
    >
    >>> nx.window_reduce(t, nx.tensor([0, 0]), (1, 1, 2), nx.add)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: nx.window_reduce: the accumulator (acc) must be a scalar, got a tensor of shape (2,)
    """))


# -- window_scatter_max and window_scatter_min -------------------------------------------

def _scatter_type(name, source, init_value):
    out = types.merge(as_spec(source).type, as_spec(init_value).type)
    if out.is_complex:
        raise TypeError_(f"nx.{name}/5 does not support complex inputs, got: {out}")
    return out


def _scatter_rules(name):
    def normalize(x, source, init_value, window_dimensions, *, padding="valid", strides=1):
        x = as_spec(x)
        if x.type.is_complex:
            raise TypeError_(f"nx.{name}/5 does not support complex inputs, got: {x.type}")
        _check_scalar(name, init_value, "init_value")
        opts = normalize_window(name, x, window_dimensions, strides, padding, 1,
                                dilations=False)
        windows = window_shape(name, x.shape, window_dilations=(1,) * x.rank, **opts)
        if as_spec(source).shape != windows:
            raise ShapeError(
                f"nx.{name}: source shape must match valid windows in input tensor: expected "
                f"{windows} for tensor shape {x.shape} and window "
                f"{opts['window_dimensions']}, got {as_spec(source).shape}")
        _scatter_type(name, source, init_value)
        return opts

    def infer(x, source, init_value, _window, **opts):
        x = as_spec(x)
        return TensorSpec(_scatter_type(name, source, init_value), x.shape, x.names)

    return normalize, infer


def _scatter_grad(compare):
    # Nx's rule: the tensor only chooses positions (zero gradient), each source
    # value gets g at the position its window selects (0 where that is padding),
    # and init_value is added to every output element.
    def grad(ops, g, out, x, source, init_value, *, window_dimensions, padding, strides):
        opts = {"window_dimensions": window_dimensions, "strides": strides,
                "padding": padding}
        index = select_index(ops, window_taps(ops, x, init_value, source.shape, **opts),
                             getattr(ops, compare))
        picked = None
        for k, tap in enumerate(window_taps(ops, g, 0, source.shape, **opts)):
            picked = tap if picked is None else ops.select(ops.equal(index, k), tap, picked)
        zeros = ops.broadcast(ops.as_type(0, x.type), tuple(x.shape))
        return [zeros, picked, ops.sum(g)]
    return grad


def _declare_scatter(name, compare, doc):
    normalize, infer = _scatter_rules(name)
    return register(Op(
        name=name, family="window",
        params=(tensor("tensor"), tensor("source"), tensor("init_value"),
                static("window_dimensions"), option("padding", "valid", WINDOW_OPTIONS[1].doc),
                option("strides", 1, WINDOW_OPTIONS[0].doc)),
        infer=infer, normalize=normalize, grad=_scatter_grad(compare),
        tolerance={t.name: 1 for t in types.FLOAT_TYPES},
        accepts=types.REAL_TYPES, backend_options=("window_dimensions", "padding", "strides"),
        extras={"compare": compare}, doc=doc,
    ))


window_scatter_max = _declare_scatter("window_scatter_max", "greater_equal", doc="""
    Scatters ``source`` to the maximum of each window of ``window_dimensions``
    of ``tensor``: the output has the tensor's shape and names, starts as
    ``init_value`` everywhere, and each source value is added at the position
    its window selects (the last of equal maxima; see the module docstring for
    padding and NaN). ``source`` has the shape of the windows (what
    :func:`window_max` with the same ``padding`` and ``strides`` returns). The
    type is ``merge(source, init_value)``. This is the gradient of window_max.

    >>> t = nx.tensor([
    ...   [7, 2, 5, 3, 10, 2],
    ...   [3, 8, 9, 3, 4, 2],
    ...   [1, 5, 7, 5, 6, 1],
    ...   [0, 6, 2, 7, 2, 8]
    ... ])
    >>> nx.window_scatter_max(t, nx.tensor([[2, 6], [3, 1]]), 0, (2, 3), strides=[2, 3], padding="valid")
    #Nx.Tensor<
      s32[4][6]
      [
        [0, 0, 0, 0, 6, 0],
        [0, 0, 2, 0, 0, 0],
        [0, 0, 3, 0, 0, 0],
        [0, 0, 0, 0, 0, 1]
      ]
    >
    >>> t = nx.tensor([
    ...   [7, 2, 5, 3, 8],
    ...   [3, 8, 9, 3, 4],
    ...   [1, 5, 7, 5, 6],
    ...   [0, 6, 2, 10, 2]
    ... ])
    >>> nx.window_scatter_max(t, nx.tensor([[2, 6], [3, 1]]), 0, (2, 3), strides=[2, 2], padding="valid")
    #Nx.Tensor<
      s32[4][5]
      [
        [0, 0, 0, 0, 0],
        [0, 0, 8, 0, 0],
        [0, 0, 3, 0, 0],
        [0, 0, 0, 1, 0]
      ]
    >
    >>> nx.window_scatter_max(t, nx.tensor([[2, 6]]), 0, (2, 3), strides=[2, 2])
    Traceback (most recent call last):
    ...
    spec.errors.ShapeError: nx.window_scatter_max: source shape must match valid windows in input tensor: expected (2, 2) for tensor shape (4, 5) and window (2, 3), got (1, 2)
    """)


window_scatter_min = _declare_scatter("window_scatter_min", "less_equal", doc="""
    Scatters ``source`` to the minimum of each window of ``window_dimensions``
    of ``tensor`` (the last of equal minima); otherwise as
    :func:`window_scatter_max`. This is the gradient of window_min.

    >>> t = nx.tensor([
    ...   [7, 2, 5, 3, 10, 2],
    ...   [3, 8, 9, 3, 4, 2],
    ...   [1, 5, 7, 5, 6, 1],
    ...   [0, 6, 2, 7, 2, 8]
    ... ])
    >>> nx.window_scatter_min(t, nx.tensor([[2, 6], [3, 1]]), 0, (2, 3), strides=[2, 3], padding="valid")
    #Nx.Tensor<
      s32[4][6]
      [
        [0, 2, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 6],
        [0, 0, 0, 0, 0, 1],
        [3, 0, 0, 0, 0, 0]
      ]
    >
    >>> t = nx.tensor([
    ...   [7, 2, 5, 3, 8],
    ...   [3, 8, 9, 3, 4],
    ...   [1, 5, 7, 5, 6],
    ...   [0, 6, 2, 10, 2]
    ... ])
    >>> nx.window_scatter_min(t, nx.tensor([[2, 6], [3, 1]]), 0, (2, 3), strides=[2, 2], padding="valid")
    #Nx.Tensor<
      s32[4][5]
      [
        [0, 2, 0, 0, 0],
        [0, 0, 0, 6, 0],
        [0, 0, 0, 0, 0],
        [3, 0, 0, 0, 1]
      ]
    >
    >>> t = nx.tensor([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], [11, 12, 13, 14, 15]], names=["x", "y"])
    >>> nx.window_scatter_min(t, nx.tensor([[1, 2], [3, 4]]), 0, (2, 3), padding="same", strides=[2, 3])
    #Nx.Tensor<
      s32[x: 3][y: 5]
      [
        [0, 0, 2, 0, 0],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0]
      ]
    >
    """)
