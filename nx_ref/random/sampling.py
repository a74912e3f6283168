"""Sampling built on the samplers: multivariate normal vectors, shuffles and choices."""

import nx_ref.api as _nx
from nx_ref import constants as _constants
from nx_ref.random.distributions import gumbel, normal_split, randint, uniform
from nx_ref.random.keys import (_assert_key, _check_shape, _infer_type, _names, _random_bits,
                                _shape_str, _size, split)
from nx_ref.tensor import Tensor
from spec import types as _types
from spec.errors import ArgumentError


def multivariate_normal(key, mean, covariance, *, shape=None, type=None, names=None,
                        method="cholesky"):
    """Samples of a multivariate normal distribution (``covariance`` positive
    semi-definite); returns ``(sample, new_key)``. ``shape`` is the batch shape: the
    result has shape ``shape + (len(mean),)``. ``method`` is ``"cholesky"`` (the
    default), ``"svd"`` or ``"eigh"`` (for singular covariances): the standard
    normal samples ``z`` become ``mean + z @ a^T`` with ``a`` the Cholesky factor,
    ``u * sqrt(s)`` from :func:`nx.linalg.svd` or ``v * sqrt(w)`` from
    :func:`nx.linalg.eigh`; the three agree where the factors do (a diagonal
    covariance with its variances in decreasing order, say) and otherwise
    give other samples of the same distribution.

    >>> key = nx.random.key(12)
    >>> sample, _new_key = nx.random.multivariate_normal(key, nx.tensor([0]), nx.tensor([[1]]))
    >>> sample
    #Nx.Tensor<
      f32[1]
      [0.73592794]
    >
    >>> mean, cov = nx.tensor([0, 0]), nx.tensor([[1, 0], [0, 1]])
    >>> sample, _new_key = nx.random.multivariate_normal(key, mean, cov)
    >>> sample
    #Nx.Tensor<
      f32[2]
      [-1.3425945, -0.4081206]
    >
    >>> diag = nx.tensor([[4.0, 0.0], [0.0, 1.0]])
    >>> samples = [nx.random.multivariate_normal(key, mean, diag, method=m)[0]
    ...            for m in ("cholesky", "svd", "eigh")]
    >>> samples[1]
    #Nx.Tensor<
      f32[2]
      [-2.685189, -0.4081206]
    >
    >>> samples[0].to_list() == samples[1].to_list() == samples[2].to_list()
    True
    >>> sample, _new_key = nx.random.multivariate_normal(
    ...     key, nx.tensor([0]), nx.tensor([[1]]), shape=(3, 2), type="f16")
    >>> sample
    #Nx.Tensor<
      f16[3][2][1]
      [
        [
          [0.327],
          [0.2177]
        ],
        [
          [0.3167],
          [0.11096]
        ],
        [
          [0.5396],
          [-0.8857]
        ]
      ]
    >
    >>> sample, _new_key = nx.random.multivariate_normal(key, mean, cov, shape=(3, 2))
    >>> sample
    #Nx.Tensor<
      f32[3][2][2]
      [
        [
          [0.989145, 1.0795186],
          [-0.9467806, 1.4781388]
        ],
        [
          [2.2095864, -1.5294564],
          [-0.79339206, 1.1211957]
        ],
        [
          [0.10976296, -0.9959557],
          [0.4754556, 1.1413804]
        ]
      ]
    >
    """
    keys = split(key)
    return multivariate_normal_split(keys[1], mean, covariance, shape=shape, type=type,
                                     names=names, method=method), keys[0]


def multivariate_normal_split(key, mean, covariance, *, shape=None, type=None, names=None,
                              method="cholesky"):
    """Same as :func:`multivariate_normal` on an already split key; returns the sample.

    >>> nx.random.multivariate_normal_split(nx.random.key(12), nx.tensor([1.0, -1.0]),
    ...                                     nx.tensor([[2.0, 1.0], [1.0, 2.0]]),
    ...                                     type="f64").shape
    (2,)
    """
    _assert_key(key)
    out_type, out_shape = _check_multivariate(mean, covariance, shape, type, method)
    mean = _nx.as_type(mean, out_type)
    covariance = _nx.as_type(covariance, out_type)
    from nx_ref import linalg
    if method == "svd":
        u, s, _ = linalg.svd(covariance)
        a = _nx.multiply(u, _nx.sqrt(s))
    elif method == "eigh":
        s, u = linalg.eigh(covariance)
        a = _nx.multiply(u, _nx.sqrt(s))
    else:
        a = linalg.cholesky(covariance)
    z = normal_split(key, 0.0, 1.0, shape=out_shape, type=out_type)
    z = _nx.reshape(z, (_size(out_shape) // mean.size, mean.size))
    sample = _nx.add(mean, _nx.dot(z, [1], a, [1]))
    return _nx.reshape(sample, out_shape, names=_names(names, out_shape))


def _check_multivariate(mean, covariance, shape, type, method):
    if method not in ("svd", "eigh", "cholesky"):
        raise ArgumentError(f'method must be one of "svd", "eigh" and "cholesky", '
                            f"got: {method!r}")
    out_type = _infer_type(mean, covariance, type, floating=True)
    if _types.is_complex(out_type):
        raise ArgumentError(f"multivariate_normal_split/4 is not supported for complex "
                            f"types, got type {out_type}")
    if not _types.is_float(out_type):
        raise ArgumentError(f"expected float or complex type, got type {out_type}")
    if mean.rank != 1:
        raise ArgumentError(f"expected mean to have rank 1, got tensor with rank {mean.rank}")
    if covariance.rank != 2:
        raise ArgumentError(f"expected covariance to have rank 2, got tensor with rank "
                            f"{covariance.rank}")
    if covariance.shape[0] != covariance.shape[1]:
        raise ArgumentError(f"expected covariance to be a square matrix, got tensor with "
                            f"shape {_shape_str(covariance.shape)}")
    if covariance.shape[0] != mean.size:
        raise ArgumentError(f"expected mean and covariance to have the same dimensions, "
                            f"got {mean.size} and {covariance.shape[0]}")
    if shape is None:
        return out_type, (mean.size,)
    return out_type, _check_shape(shape) + (mean.size,)


def shuffle(key, tensor, *, axis=0, independent=False):
    """Shuffles ``tensor`` along ``axis``; returns ``(shuffled, new_key)``. With
    ``independent=True`` every slice along the axis gets its own permutation.

    >>> shuffled, _new_key = nx.random.shuffle(nx.random.key(42), nx.iota((3, 4), axis=0))
    >>> shuffled
    #Nx.Tensor<
      s32[3][4]
      [
        [2, 2, 2, 2],
        [0, 0, 0, 0],
        [1, 1, 1, 1]
      ]
    >
    >>> shuffled, _new_key = nx.random.shuffle(
    ...     nx.random.key(10), nx.iota((3, 4), axis=1), independent=True, axis=1)
    >>> shuffled
    #Nx.Tensor<
      s32[3][4]
      [
        [2, 1, 3, 0],
        [3, 0, 1, 2],
        [2, 3, 0, 1]
      ]
    >
    """
    _assert_key(key)
    if not isinstance(tensor, Tensor) or tensor.rank < 1:
        raise ArgumentError("expected tensor to shuffle to have rank 1 or greater")
    axis = _normalize_axis(tensor, axis)
    if independent:
        return _shuffle_independent(key, tensor, axis)
    idx, key = _shuffle_independent(key, _nx.iota((tensor.shape[axis],)), 0)
    return _nx.take(tensor, idx, axis=axis), key


def _normalize_axis(tensor, axis):
    if isinstance(axis, str):
        if axis not in tensor.names:
            raise ArgumentError(f"key {axis!r} not found in tensor with names {tensor.names}")
        return tensor.names.index(axis)
    if not isinstance(axis, int) or not -tensor.rank <= axis < tensor.rank:
        raise ArgumentError(f"given axis ({axis}) invalid for shape with rank {tensor.rank}")
    return axis % tensor.rank


def _shuffle_independent(key, tensor, axis):
    """Sorts by fresh random bits, as many rounds as make collisions unlikely
    (JAX's rule: ceil(3 * ln(size) / ln(u32 max)), computed in f32)."""
    from nx_ref.reference import ReferenceBackend
    from nx_ref.backend import default_backend
    with default_backend(ReferenceBackend()):     # static: eager even inside defn
        size = _nx.log(_nx.tensor(tensor.size))
        rounds = int(_nx.as_type(_nx.ceil(_nx.divide(_nx.multiply(3, size),
                                                     _nx.log(_constants.max_finite("u32")))), "u32"))
    for _ in range(rounds):
        keys = split(key)
        idx = _nx.argsort(_random_bits(keys[1], tensor.shape), axis=axis)
        tensor = _nx.take_along_axis(tensor, idx, axis=axis)
        key = keys[0]
    return tensor, key


def choice(key, tensor, p=None, *, samples=1, axis=None, replace=True):
    """Samples of ``tensor`` along ``axis`` (of the flattened tensor when ``axis`` is
    None), with or without replacement, uniformly or with probabilities ``p`` (rank 1,
    one per entry along the axis); returns ``(samples, new_key)``.

    >>> k = nx.random.key(1)
    >>> t = nx.iota((4, 3))
    >>> result, _key = nx.random.choice(k, t, samples=4, axis=0)
    >>> result
    #Nx.Tensor<
      s32[4][3]
      [
        [6, 7, 8],
        [9, 10, 11],
        [6, 7, 8],
        [0, 1, 2]
      ]
    >
    >>> result, _key = nx.random.choice(k, t, samples=4, axis=0, replace=False)
    >>> result
    #Nx.Tensor<
      s32[4][3]
      [
        [3, 4, 5],
        [9, 10, 11],
        [6, 7, 8],
        [0, 1, 2]
      ]
    >
    >>> k, t = nx.random.key(2), nx.iota((3, 2))
    >>> nx.random.choice(k, t)[0]
    #Nx.Tensor<
      s32[1]
      [4]
    >
    >>> nx.random.choice(k, t, samples=6, replace=False)[0]
    #Nx.Tensor<
      s32[6]
      [2, 0, 4, 5, 1, 3]
    >

    With probabilities:

    >>> k, t, p = nx.random.key(1), nx.iota((4, 3)), nx.tensor([0.1, 0.7, 0.2])
    >>> nx.random.choice(k, t, p, samples=3, axis=1)[0]
    #Nx.Tensor<
      s32[4][3]
      [
        [1, 0, 1],
        [4, 3, 4],
        [7, 6, 7],
        [10, 9, 10]
      ]
    >
    >>> nx.random.choice(k, t, p, samples=3, axis=1, replace=False)[0]
    #Nx.Tensor<
      s32[4][3]
      [
        [1, 2, 0],
        [4, 5, 3],
        [7, 8, 6],
        [10, 11, 9]
      ]
    >
    >>> k, t = nx.random.key(2), nx.iota((2, 3))
    >>> p = nx.tensor([0.01, 0.1, 0.19, 0.6, 0.05, 0.05])
    >>> nx.random.choice(k, t, p)[0]
    #Nx.Tensor<
      s32[1]
      [3]
    >
    >>> nx.random.choice(k, t, p, samples=6)[0]
    #Nx.Tensor<
      s32[6]
      [3, 3, 3, 0, 3, 3]
    >
    >>> nx.random.choice(k, t, p, samples=6, replace=False)[0]
    #Nx.Tensor<
      s32[6]
      [3, 1, 2, 5, 4, 0]
    >
    """
    _assert_key(key)
    tensor, n_inputs, axis = _check_choice(tensor, samples, axis, replace)
    if p is None:
        if replace:
            idx, key = randint(key, 0, n_inputs, shape=(samples,), type="u32")
            return _nx.take(tensor, idx, axis=axis), key
        shuffled, key = shuffle(key, tensor, axis=axis)
        return _nx.slice_along_axis(shuffled, 0, samples, axis=axis), key
    _check_probabilities(p, n_inputs)
    if replace:
        cumulative = _nx.cumulative_sum(p)
        u, key = uniform(key, shape=(samples,), type=cumulative.type)
        r = _nx.multiply(cumulative[-1], _nx.subtract(1, u))
        below = _nx.less_equal(_nx.new_axis(cumulative, 0), _nx.new_axis(r, 1))
        idx = _nx.argmin(below, tie_break="low", axis=1)
        return _nx.take(tensor, idx, axis=axis), key
    g, key = gumbel(key, shape=(n_inputs,), type=p.type)
    g = _nx.subtract(_nx.negate(g), _nx.log(p))
    idx = _nx.slice_along_axis(_nx.argsort(g), 0, samples, axis=0)
    return _nx.take(tensor, idx, axis=axis), key


def _check_choice(tensor, samples, axis, replace):
    """The tensor to sample from (flattened when ``axis`` is None), its size along the
    sampled axis, and that axis."""
    if not isinstance(tensor, Tensor) or tensor.rank < 1:
        raise ArgumentError("tensor must have rank 1 or greater")
    if axis is None:
        tensor, axis = _nx.reshape(tensor, (tensor.size,)), 0
    else:
        axis = _normalize_axis(tensor, axis)
    if not isinstance(samples, int) or isinstance(samples, bool) or samples < 1:
        raise ArgumentError(f"must take at least one sample, got samples={samples!r}")
    n_inputs = tensor.shape[axis]
    if not replace and samples > n_inputs:
        raise ArgumentError("cannot take more samples than the input size when "
                            "replace=False")
    return tensor, n_inputs, axis


def _check_probabilities(p, n_inputs):
    if not isinstance(p, Tensor) or p.rank != 1:
        rank = p.rank if isinstance(p, Tensor) else 0
        raise ArgumentError(f"probability tensor must have rank 1, got: {rank}")
    if p.size != n_inputs:
        raise ArgumentError(f"probability tensor of size {p.size} is expected to have "
                            f"size {n_inputs}")
