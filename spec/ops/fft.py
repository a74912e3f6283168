"""The discrete Fourier transform: fft, ifft, fft2, ifft2, rfft and irfft.

``fft`` and ``ifft`` are backend primitives (Nx has a callback for each); the
others are composites over them and slicing/padding, written as Nx's default
implementations are:

* ``fft2`` is ``fft`` along the second axis, then along the first (``ifft2``
  likewise with ``ifft``);
* ``rfft`` is ``fft`` then the first ``length // 2 + 1`` frequencies;
* ``irfft`` pads or truncates the half spectrum to ``length // 2 + 1``
  entries, appends the reversed conjugates of entries ``1 .. length - m``
  and takes the real part of ``ifft``.

Rules written down here once:

* ``length`` is a positive integer or ``"power_of_two"`` (the next power of two
  of the axis size); the transformed axis is zero-padded or truncated to it
  **before** the transform (Nx's and numpy's ``n``).
* ``fft`` is ``X[k] = sum_j x[j] * exp(-2 pi i j k / n)``; ``ifft`` is the
  conjugate transform divided by ``n``.
* The output type is ``to_complex`` of the input's (c64 for integers and
  floats up to 32 bits, c128 for f64); ``irfft`` gives ``to_real``. Names are
  the input's.
* ``eps`` (1e-10 by default): every real or imaginary component of the result
  whose magnitude is at most ``eps`` is written as 0, as Nx's reference backend
  does, so that exact zeros print as zeros.
* Accuracy: each output component is within ``tolerance[type]`` ULPs of the
  sum of the magnitudes of the transformed row (the row's L1 norm, divided by
  ``n`` for ``ifft``), plus ``eps``.
"""

from __future__ import annotations

from spec import types
from spec.errors import ArgumentError
from spec.ops._reduce import as_spec
from spec.registry import Op, TensorSpec, option, register, tensor
from spec.shapes import normalize_axes, normalize_axis

__all__ = ["fft", "ifft", "fft2", "ifft2", "rfft", "irfft", "resolve_length"]

TOLERANCE = {"c64": 1, "c128": 8}   # ULPs of the row's L1 norm (see the module docstring)


def resolve_length(length, n, *, allow_power_of_two=True):
    """The transform length: ``None`` is the axis size ``n``, ``"power_of_two"``
    the next power of two of ``n``, a positive integer itself.

    >>> resolve_length(None, 6), resolve_length("power_of_two", 5), resolve_length(3, 6)
    (6, 8, 3)
    >>> resolve_length(0, 4)
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: expected an integer or "power_of_two" as length, got: 0
    """
    if length is None:
        return n
    if allow_power_of_two and length == "power_of_two":
        return 1 << max(n - 1, 0).bit_length()
    if isinstance(length, int) and not isinstance(length, bool) and length > 0:
        return length
    if allow_power_of_two:
        raise ArgumentError(
            f'expected an integer or "power_of_two" as length, got: {length!r:.80}')
    raise ArgumentError(f"expected a positive integer as length, got: {length!r:.80}")


def _check_rank(x, minimum):
    if x.rank < minimum:
        raise ArgumentError(
            f"expected a tensor with rank > {minimum - 1}, got tensor with rank {x.rank}")


def _check_eps(name, eps):
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not eps >= 0:
        raise ArgumentError(f"nx.{name}: expected eps to be a non-negative number, got: {eps!r:.80}")
    return float(eps)


def _replace(shape, axis, size):
    return shape[:axis] + (size,) + shape[axis + 1:]


# -- fft and ifft (primitives) -------------------------------------------------

def _fft_normalizer(name):
    def normalize(x, *, length=None, axis=-1, eps=1e-10):
        x = as_spec(x)
        _check_rank(x, 1)
        axis = normalize_axis(axis, x.shape, x.names)
        return {"length": resolve_length(length, x.shape[axis]), "axis": axis,
                "eps": _check_eps(name, eps)}
    return normalize


def _fft_infer(x, *, length, axis, eps):
    x = as_spec(x)
    return TensorSpec(types.to_complex(x.type), _replace(x.shape, axis, length), x.names)


def _fft_grader(name):
    # Nx's rule: the transform is symmetric, so the VJP is the same transform of
    # g, with the padding undone (slice) or the truncation undone (zero pad)
    def grad(ops, g, out, x, *, length, axis, eps):
        gx = getattr(ops, name)(g, length=length, axis=axis, eps=eps)
        size = x.shape[axis]
        if size > length:
            config = [(0, 0, 0)] * x.rank
            config[axis] = (0, size - length, 0)
            gx = ops.pad(gx, 0, config)
        elif size < length:
            gx = ops.slice_along_axis(gx, 0, size, axis=axis)
        return [gx]
    return grad


_FFT_PARAMS = (tensor("tensor"), option("length", None), option("axis", -1),
               option("eps", 1e-10))

fft = register(Op(
    name="fft", family="fft", params=_FFT_PARAMS,
    normalize=_fft_normalizer("fft"), infer=_fft_infer, grad=_fft_grader("fft"),
    tolerance=dict(TOLERANCE), backend_options=("length", "axis", "eps"),
    doc="""The discrete Fourier transform along ``axis`` (the last by default).

    ``length`` (a positive integer or ``"power_of_two"``) zero-pads or truncates
    the axis first. The output is complex (``to_complex`` of the input type) with
    the input's names; components of magnitude at most ``eps`` are written as 0.

    >>> nx.fft(nx.tensor([1, 1, 0, 0]))
    #Nx.Tensor<
      c64[4]
      [2.0+0.0i, 1.0-1.0i, 0.0+0.0i, 1.0+1.0i]
    >
    >>> nx.fft(nx.tensor([1, 1, 1, 0, 1, 1]))
    #Nx.Tensor<
      c64[6]
      [5.0+0.0i, 1.0+0.0i, -1.0+0.0i, 1.0+0.0i, -1.0+0.0i, 1.0+0.0i]
    >
    >>> t = nx.tensor([[1, 1, 1, 0, 1, 1], [1, 1, 1, 0, 1, 1]], names=["x", "y"])
    >>> nx.fft(t, axis="x")
    #Nx.Tensor<
      c64[x: 2][y: 6]
      [
        [2.0+0.0i, 2.0+0.0i, 2.0+0.0i, 0.0+0.0i, 2.0+0.0i, 2.0+0.0i],
        [0.0+0.0i, 0.0+0.0i, 0.0+0.0i, 0.0+0.0i, 0.0+0.0i, 0.0+0.0i]
      ]
    >

    Padding and truncation through ``length``:

    >>> nx.fft(nx.tensor([1, 1]), length=4)
    #Nx.Tensor<
      c64[4]
      [2.0+0.0i, 1.0-1.0i, 0.0+0.0i, 1.0+1.0i]
    >
    >>> nx.fft(nx.tensor([1, 1, 0]), length="power_of_two")
    #Nx.Tensor<
      c64[4]
      [2.0+0.0i, 1.0-1.0i, 0.0+0.0i, 1.0+1.0i]
    >
    >>> nx.fft(nx.tensor([[1, 1, 0, 0, 2, 3], [1, 0, 0, 0, 2, 3]]), length=4)
    #Nx.Tensor<
      c64[2][4]
      [
        [2.0+0.0i, 1.0-1.0i, 0.0+0.0i, 1.0+1.0i],
        [1.0+0.0i, 1.0+0.0i, 1.0+0.0i, 1.0+0.0i]
      ]
    >
    >>> nx.fft(nx.tensor([1, 1]), length="invalid")
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: expected an integer or "power_of_two" as length, got: 'invalid'
    >>> nx.fft(nx.tensor(1))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: expected a tensor with rank > 0, got tensor with rank 0
    """,
))

ifft = register(Op(
    name="ifft", family="fft", params=_FFT_PARAMS,
    normalize=_fft_normalizer("ifft"), infer=_fft_infer, grad=_fft_grader("ifft"),
    tolerance=dict(TOLERANCE), backend_options=("length", "axis", "eps"),
    doc="""The inverse discrete Fourier transform along ``axis`` (the last by
    default): the conjugate transform divided by the length.

    Options, output type and names are :func:`fft`'s.

    >>> nx.ifft(nx.tensor([2, complex(1, -1), 0, complex(1, 1)]))
    #Nx.Tensor<
      c64[4]
      [1.0+0.0i, 1.0+0.0i, 0.0+0.0i, 0.0+0.0i]
    >
    >>> nx.ifft(nx.tensor([5, 1, -1, 1, -1, 1]))
    #Nx.Tensor<
      c64[6]
      [1.0+0.0i, 1.0+0.0i, 1.0+0.0i, 0.0+0.0i, 1.0+0.0i, 1.0+0.0i]
    >
    >>> nx.ifft(nx.tensor([1, 1]), length=4)
    #Nx.Tensor<
      c64[4]
      [0.5+0.0i, 0.25+0.25i, 0.0+0.0i, 0.25-0.25i]
    >
    >>> nx.ifft(nx.tensor([[1, 1, 0, 0, 2, 3], [1, 0, 0, 0, 2, 3]]), length=4)
    #Nx.Tensor<
      c64[2][4]
      [
        [0.5+0.0i, 0.25+0.25i, 0.0+0.0i, 0.25-0.25i],
        [0.25+0.0i, 0.25+0.0i, 0.25+0.0i, 0.25+0.0i]
      ]
    >
    """,
))


# -- fft2 and ifft2 (composites) -----------------------------------------------

def _fft2_normalizer(name):
    def normalize(x, *, lengths=None, axes=(-2, -1), eps=1e-10):
        x = as_spec(x)
        _check_rank(x, 2)
        if not isinstance(axes, (list, tuple)) or len(axes) != 2:
            raise ArgumentError(f"expected axes to be a list with 2 axes, got: {axes!r:.80}")
        axes = normalize_axes(list(axes), x.shape, x.names)
        if lengths is None:
            lengths = [x.shape[a] for a in axes]
        if (not isinstance(lengths, (list, tuple)) or len(lengths) != 2
                or not all(n == "power_of_two" or (isinstance(n, int) and not isinstance(n, bool)
                                                   and n > 0) for n in lengths)):
            raise ArgumentError(
                f'expected lengths to be a list of lengths or "power_of_two", got: {lengths!r:.80}')
        lengths = tuple(resolve_length(n, x.shape[a]) for n, a in zip(lengths, axes))
        return {"lengths": lengths, "axes": axes, "eps": _check_eps(name, eps)}
    return normalize


def _fft2_infer(x, *, lengths, axes, eps):
    x = as_spec(x)
    shape = _replace(_replace(x.shape, axes[0], lengths[0]), axes[1], lengths[1])
    return TensorSpec(types.to_complex(x.type), shape, x.names)


def _fft2_composite(name):
    def composite(nx, x, *, lengths, axes, eps):
        one = getattr(nx, name)
        y = one(x, axis=axes[1], length=lengths[1], eps=eps)
        return one(y, axis=axes[0], length=lengths[0], eps=eps)
    return composite


_FFT2_PARAMS = (tensor("tensor"), option("lengths", None), option("axes", (-2, -1)),
                option("eps", 1e-10))

fft2 = register(Op(
    name="fft2", family="fft", params=_FFT2_PARAMS,
    normalize=_fft2_normalizer("fft2"), infer=_fft2_infer, composite=_fft2_composite("fft"),
    doc="""The 2-D discrete Fourier transform over ``axes`` (the last two by
    default): :func:`fft` along the second axis, then along the first.

    ``lengths`` is a list of two lengths (positive integers or
    ``"power_of_two"``), one per axis; ``eps`` is :func:`fft`'s.

    >>> nx.fft2(nx.tensor([[1, 0, 1, 0], [1, 1, 1, 1]]))
    #Nx.Tensor<
      c64[2][4]
      [
        [6.0+0.0i, 0.0+0.0i, 2.0+0.0i, 0.0+0.0i],
        [-2.0+0.0i, 0.0+0.0i, 2.0+0.0i, 0.0+0.0i]
      ]
    >
    >>> nx.fft2(nx.tensor([[1, 1], [1, 0]]), lengths=[4, 2])
    #Nx.Tensor<
      c64[4][2]
      [
        [3.0+0.0i, 1.0+0.0i],
        [2.0-1.0i, 0.0-1.0i],
        [1.0+0.0i, -1.0+0.0i],
        [2.0+1.0i, 0.0+1.0i]
      ]
    >
    >>> nx.fft2(nx.tensor([[[1, 1, 0, 0, 2, 3]]]), axes=[0, 2], lengths=[2, 4])
    #Nx.Tensor<
      c64[2][1][4]
      [
        [
          [2.0+0.0i, 1.0-1.0i, 0.0+0.0i, 1.0+1.0i]
        ],
        [
          [2.0+0.0i, 1.0-1.0i, 0.0+0.0i, 1.0+1.0i]
        ]
      ]
    >
    >>> nx.fft2(nx.tensor([[1, 1]]), lengths=["invalid", 2])
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: expected lengths to be a list of lengths or "power_of_two", got: ['invalid', 2]
    >>> nx.fft2(nx.tensor([1, 1]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: expected a tensor with rank > 1, got tensor with rank 1
    """,
))

ifft2 = register(Op(
    name="ifft2", family="fft", params=_FFT2_PARAMS,
    normalize=_fft2_normalizer("ifft2"), infer=_fft2_infer, composite=_fft2_composite("ifft"),
    doc="""The inverse 2-D discrete Fourier transform over ``axes`` (the last two
    by default): :func:`ifft` along the second axis, then along the first.
    Options are :func:`fft2`'s.

    >>> nx.ifft2(nx.tensor([[6, 0, 2, 0], [-2, 0, 2, 0]]))
    #Nx.Tensor<
      c64[2][4]
      [
        [1.0+0.0i, 0.0+0.0i, 1.0+0.0i, 0.0+0.0i],
        [1.0+0.0i, 1.0+0.0i, 1.0+0.0i, 1.0+0.0i]
      ]
    >
    >>> nx.ifft2(nx.tensor([[8, 8], [8, 0]]), lengths=[2, 4])
    #Nx.Tensor<
      c64[2][4]
      [
        [3.0+0.0i, 2.0+1.0i, 1.0+0.0i, 2.0-1.0i],
        [1.0+0.0i, 0.0+1.0i, -1.0+0.0i, 0.0-1.0i]
      ]
    >
    """,
))


# -- rfft and irfft (composites) -----------------------------------------------

def _rfft_normalize(x, *, length=None, axis=-1, eps=1e-10):
    x = as_spec(x)
    if x.type.is_complex:
        raise ArgumentError(f"nx.rfft/2 expects a real tensor, got type: {x.type}")
    return _fft_normalizer("rfft")(x, length=length, axis=axis, eps=eps)


def _rfft_infer(x, *, length, axis, eps):
    x = as_spec(x)
    return TensorSpec(types.to_complex(x.type), _replace(x.shape, axis, length // 2 + 1), x.names)


def _rfft(nx, x, *, length, axis, eps):
    y = nx.fft(x, length=length, axis=axis, eps=eps)
    return nx.slice_along_axis(y, 0, length // 2 + 1, axis=axis)


rfft = register(Op(
    name="rfft", family="fft", params=_FFT_PARAMS,
    normalize=_rfft_normalize, infer=_rfft_infer, composite=_rfft,
    accepts=tuple(t for t in types.ALL_TYPES if not t.is_complex),
    doc="""The discrete Fourier transform of a real tensor along ``axis``: the
    first ``length // 2 + 1`` frequencies of :func:`fft` (the others are their
    conjugates). Options are :func:`fft`'s; complex inputs raise.

    >>> nx.rfft(nx.tensor([1.0, 1.0, 0.0, 0.0]))
    #Nx.Tensor<
      c64[3]
      [2.0+0.0i, 1.0-1.0i, 0.0+0.0i]
    >
    >>> nx.rfft(nx.tensor([1.0, 1.0, 1.0, 0.0, 1.0, 1.0]))
    #Nx.Tensor<
      c64[4]
      [5.0+0.0i, 1.0+0.0i, -1.0+0.0i, 1.0+0.0i]
    >
    >>> nx.rfft(nx.tensor([[1.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]]), axis=-2)
    #Nx.Tensor<
      c64[2][4]
      [
        [2.0+0.0i, 1.0+0.0i, 0.0+0.0i, 0.0+0.0i],
        [0.0+0.0i, 1.0+0.0i, 0.0+0.0i, 0.0+0.0i]
      ]
    >
    >>> nx.rfft(nx.tensor([1.0, 1.0, 0.0]), length="power_of_two")
    #Nx.Tensor<
      c64[3]
      [2.0+0.0i, 1.0-1.0i, 0.0+0.0i]
    >
    >>> nx.rfft(nx.tensor([1j, 0]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: nx.rfft/2 expects a real tensor, got type: c64
    """,
))


def _irfft_normalize(x, *, length=None, axis=-1, eps=1e-10):
    x = as_spec(x)
    _check_rank(x, 1)
    axis = normalize_axis(axis, x.shape, x.names)
    if length is None:
        length = 2 * (x.shape[axis] - 1)
    return {"length": resolve_length(length, None, allow_power_of_two=False), "axis": axis,
            "eps": _check_eps("irfft", eps)}


def _irfft_infer(x, *, length, axis, eps):
    x = as_spec(x)
    return TensorSpec(types.to_real(x.type), _replace(x.shape, axis, length), x.names)


def _irfft(nx, x, *, length, axis, eps):
    out_type = types.to_real(x.type)
    m = length // 2 + 1
    size = x.shape[axis]
    if size > m:
        x = nx.slice_along_axis(x, 0, m, axis=axis)
    elif size < m:
        config = [(0, 0, 0)] * x.rank
        config[axis] = (0, m - size, 0)
        x = nx.pad(x, 0, config)
    x = nx.as_type(x, types.to_complex(x.type))
    if length - m > 0:
        # the missing half: entries 1 .. length - m, conjugated, in reverse order
        mirror = nx.slice_along_axis(x, 1, length - m, axis=axis)
        mirror = nx.reverse(nx.conjugate(mirror), axes=[axis])
        x = nx.concatenate([x, mirror], axis=axis)
    return nx.as_type(nx.real(nx.ifft(x, axis=axis, eps=eps)), out_type)


irfft = register(Op(
    name="irfft", family="fft", params=_FFT_PARAMS,
    normalize=_irfft_normalize, infer=_irfft_infer, composite=_irfft,
    doc="""The inverse of :func:`rfft`: the real signal of ``length`` samples
    whose spectrum starts with the input along ``axis``.

    ``length`` (a positive integer) defaults to ``2 * (m - 1)`` for an axis of
    size ``m``; the input is truncated or zero-padded to ``length // 2 + 1``
    entries, completed with the conjugates of its mirror image and given to
    :func:`ifft`; the result is the real part, of type ``to_real`` of the input's.

    >>> nx.irfft(nx.tensor([2.0, complex(1.0, -1.0), 0.0]))
    #Nx.Tensor<
      f32[4]
      [1.0, 1.0, 0.0, 0.0]
    >
    >>> nx.irfft(nx.tensor([5.0, 1.0, -1.0, 1.0]))
    #Nx.Tensor<
      f32[6]
      [1.0, 1.0, 1.0, 0.0, 1.0, 1.0]
    >
    >>> nx.irfft(nx.tensor([[2.0, complex(1.0, -1.0), 0.0], [4.0, 0.0, 0.0]]), axis=-1)
    #Nx.Tensor<
      f32[2][4]
      [
        [1.0, 1.0, 0.0, 0.0],
        [1.0, 1.0, 1.0, 1.0]
      ]
    >
    >>> nx.irfft(nx.tensor([1.0, 1.0]), length="invalid")
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: expected a positive integer as length, got: 'invalid'
    """,
))
