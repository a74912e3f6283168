"""The Backend protocol, backend selection and the default backend.

A backend computes data only. Each method receives the output spec ``out``
(type, shape, names) that the frontend already inferred from the spec, then the
input tensors and the op's options, and returns a :class:`~nx_ref.tensor.Tensor`
built with ``Tensor.from_spec(out, data, self)``. Backends never promote,
broadcast or name anything on their own (Nx's ``Nx.Backend`` contract).

Primitives are listed below as :class:`Primitive` attributes, one per spec op;
composite ops have a default implementation written once against the ``nx``
namespace, which a backend may override by defining a method of the same name.

The default backend (where new tensors are allocated) belongs to the current
thread or task, as Nx's belongs to the current process; a thread that never set
one sees the global default (:func:`global_default_backend`).

>>> import nx_ref as nx
>>> nx.default_backend()
ReferenceBackend()
>>> with nx.default_backend(nx.ReferenceBackend()):
...     nx.tensor([1]).backend
ReferenceBackend()
"""

from __future__ import annotations

import contextvars

from spec import registry
from spec.errors import ArgumentError

__all__ = ["Backend", "Primitive", "Composite", "OpMethod", "define_primitives", "default_backend", "global_default_backend",
           "with_default_backend", "pick_backend", "backend_transfer", "backend_copy",
           "IncompatibleBackendsError"]


class IncompatibleBackendsError(ArgumentError):
    """Tensors from two backends met in one operation and neither can take the other's."""

    def __init__(self, backend1, backend2):
        self.backend1, self.backend2 = backend1, backend2
        super().__init__(
            f"cannot invoke nx function because it relies on two incompatible tensor "
            f"implementations: {backend1!r} and {backend2!r}. You may need to call "
            f"nx.backend_transfer (or nx.backend_copy) on one or both of them to transfer "
            f"them to a common implementation")


class Primitive:
    """A protocol entry: the backend callback of one spec op, by the attribute's name.

    A backend that does not define the method answers with its ``missing_primitive``.
    """

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        name = self.name

        def missing(out, *args, **opts):
            return obj.missing_primitive(name)
        return missing


class OpMethod:
    """Base of the descriptors that implement a backend method from the spec op
    named like the attribute: a subclass defines ``bind(backend, op)``, which
    returns the method's function."""

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return self.bind(obj, registry.get(self.name))

    def bind(self, backend, op):
        raise NotImplementedError


class Composite(OpMethod):
    """A protocol entry with a default implementation: the op's spec ``composite``
    rule applied to the ``nx`` namespace. Backends may override it."""

    def bind(self, backend, op):
        def run(out, *args, **opts):
            import nx_ref
            return op.composite(nx_ref, *args, **opts)
        return run


def define_primitives(cls, method_class):
    """Give ``cls`` a ``method_class()`` descriptor (an :class:`OpMethod`) for
    every primitive of the protocol: how a backend that handles every op the
    same way (the tracing backend, a compiling backend) defines them all.

    >>> class Echo(OpMethod):
    ...     def bind(self, backend, op):
    ...         return lambda out, *args, **opts: op.name
    >>> class EchoBackend(Backend):
    ...     pass
    >>> define_primitives(EchoBackend, Echo)
    >>> EchoBackend().exp(None, None)
    'exp'
    """
    for name in registry.all_ops():
        if isinstance(Backend.__dict__.get(name), Primitive):
            method = method_class()
            method.__set_name__(cls, name)
            setattr(cls, name, method)


class Backend:
    """Base class of backends (see the module docstring).

    ``priority`` decides which backend runs an operation whose inputs live on
    different backends: the highest wins and the others' tensors are copied to
    it; with equal priorities a backend derived from the other's class wins, and
    two unrelated backends are an :class:`IncompatibleBackendsError`. The
    reference backend has priority 0, so any other backend takes its tensors,
    as Nx's BinaryBackend gives way to any other.
    """

    priority = 1

    def __repr__(self):
        return f"{type(self).__name__}()"

    def __eq__(self, other):
        if not isinstance(other, Backend):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __hash__(self):
        return hash(type(self))

    def missing_primitive(self, name):
        """Called for a primitive this backend does not define."""
        raise NotImplementedError(
            f"{type(self).__name__} does not implement the primitive {name!r} (nx.{name})")

    # -- data movement (not spec ops) ----------------------------------------
    def to_binary(self, tensor, limit=None) -> bytes:
        """The first ``limit`` elements (all when None) in :mod:`spec.codec`'s layout."""
        raise NotImplementedError

    def from_binary(self, out, data):
        """A tensor of spec ``out`` holding ``data`` (bytes in :mod:`spec.codec`'s layout)."""
        raise NotImplementedError

    def constant(self, out, number):
        """A tensor of spec ``out`` with every element ``number``."""
        raise NotImplementedError

    def to_flat_list(self, tensor) -> list:
        """The tensor's elements as Python values; the default decodes ``to_binary``."""
        from spec import codec
        return list(codec.decode(tensor.type, self.to_binary(tensor), count=tensor.size))

    def backend_copy(self, tensor, backend):
        """A copy of ``tensor`` (held by this backend) on ``backend``."""
        return backend.from_binary(tensor.spec, self.to_binary(tensor))

    def backend_transfer(self, tensor, backend):
        """Move ``tensor`` to ``backend``; this backend may release its data afterwards."""
        return self.backend_copy(tensor, backend)

    def inspect(self, tensor, limit):
        """The data part of the tensor's printed form (see :mod:`nx_ref.inspect`)."""
        from nx_ref import inspect as _inspect
        return _inspect.data_text(tensor, limit)

    # -- creation --------------------------------------------------------------
    iota = Primitive()
    eye = Primitive()
    broadcast = Primitive()
    as_type = Primitive()
    bitcast = Primitive()

    # -- element-wise unary (spec/ops/unary.py, unary_trig.py, unary_parts.py) -
    exp = Primitive()
    expm1 = Primitive()
    log = Primitive()
    log1p = Primitive()
    log2 = Composite()
    log10 = Composite()
    sigmoid = Primitive()
    sqrt = Primitive()
    rsqrt = Primitive()
    cbrt = Primitive()
    erf = Primitive()
    erfc = Primitive()
    erf_inv = Primitive()
    sin = Primitive()
    cos = Primitive()
    tan = Primitive()
    asin = Primitive()
    acos = Primitive()
    atan = Primitive()
    sinh = Primitive()
    cosh = Primitive()
    tanh = Primitive()
    asinh = Primitive()
    acosh = Primitive()
    atanh = Primitive()
    abs = Primitive()
    negate = Primitive()
    sign = Primitive()
    ceil = Primitive()
    floor = Primitive()
    round = Primitive()
    is_nan = Primitive()
    is_infinity = Primitive()
    logical_not = Primitive()
    bitwise_not = Primitive()
    population_count = Primitive()
    count_leading_zeros = Primitive()
    real = Primitive()
    imag = Primitive()
    conjugate = Primitive()
    phase = Primitive()
    # end of element-wise unary

    # -- element-wise binary (spec/ops/binary.py) ------------------------------
    add = Primitive()
    subtract = Primitive()
    multiply = Primitive()
    divide = Primitive()
    quotient = Primitive()
    remainder = Primitive()
    pow = Primitive()
    atan2 = Primitive()
    min = Primitive()
    max = Primitive()
    complex = Primitive()
    bitwise_and = Primitive()
    bitwise_or = Primitive()
    bitwise_xor = Primitive()
    left_shift = Primitive()
    right_shift = Primitive()
    equal = Primitive()
    not_equal = Primitive()
    greater = Primitive()
    less = Primitive()
    greater_equal = Primitive()
    less_equal = Primitive()
    logical_and = Primitive()
    logical_or = Primitive()
    logical_xor = Primitive()
    select = Primitive()
    clip = Primitive()
    # end of element-wise binary

    # -- reductions (spec/ops/reductions.py); composites use Composite() ------
    sum = Primitive()
    reduce = Primitive()
    product = Primitive()
    reduce_max = Primitive()
    reduce_min = Primitive()
    argmax = Primitive()
    argmin = Primitive()
    all = Primitive()
    any = Primitive()
    mean = Composite()
    variance = Composite()
    standard_deviation = Composite()
    logsumexp = Composite()
    all_close = Composite()
    # end of reductions

    # shape (issue 3)
    reshape = Primitive()
    squeeze = Primitive()
    transpose = Primitive()
    reverse = Primitive()
    concatenate = Primitive()
    stack = Primitive()
    slice = Primitive()
    put_slice = Primitive()
    pad = Primitive()
    rename = Composite()
    new_axis = Composite()
    flatten = Composite()
    tile = Composite()
    slice_along_axis = Composite()
    split = Composite()
    pad_outer = Composite()
    reflect = Composite()
    # end of shape

    # indexing (issue 3)
    gather = Primitive()
    indexed_add = Primitive()
    indexed_put = Primitive()
    take = Composite()
    take_along_axis = Composite()
    # end of indexing

    # contraction (issue 3)
    dot = Primitive()
    outer = Composite()
    conv = Primitive()
    # end of contraction

    # sort and cumulative (issue 3)
    sort = Primitive()
    argsort = Primitive()
    top_k = Composite()
    cumulative_sum = Composite()
    cumulative_product = Composite()
    cumulative_min = Composite()
    cumulative_max = Composite()
    # end of sort and cumulative

    # windows (issue 3)
    window_sum = Primitive()
    window_product = Primitive()
    window_max = Primitive()
    window_min = Primitive()
    window_reduce = Primitive()
    window_scatter_max = Primitive()
    window_scatter_min = Primitive()
    window_mean = Composite()
    # end of windows

    # creation and statistics (issue 3): all composites, as in Nx
    tri = Composite()
    tril = Composite()
    triu = Composite()
    take_diagonal = Composite()
    make_diagonal = Composite()
    put_diagonal = Composite()
    linspace = Composite()
    fill = Composite()
    weighted_mean = Composite()
    median = Composite()
    mode = Composite()
    covariance = Composite()
    diff = Composite()
    # end of creation and statistics

    # linalg (issue 4)
    triangular_solve = Primitive()
    cholesky = Primitive()
    qr = Primitive()
    adjoint = Composite()
    solve = Composite()
    lu = Primitive()
    determinant = Composite()
    invert = Composite()
    matrix_power = Composite()
    eigh = Primitive()
    svd = Primitive()
    norm = Composite()
    pinv = Composite()
    least_squares = Composite()
    matrix_rank = Composite()
    # end of linalg

    # fft (issue 4): fft and ifft are primitives, the others composites as in Nx
    fft = Primitive()
    ifft = Primitive()
    fft2 = Composite()
    ifft2 = Composite()
    rfft = Composite()
    irfft = Composite()
    # end of fft


_GLOBAL = [None]          # the global default backend, created on first use
_CURRENT = contextvars.ContextVar("nx_default_backend", default=None)


def _reference():
    from nx_ref.reference import ReferenceBackend
    return ReferenceBackend()


def _global():
    if _GLOBAL[0] is None:
        _GLOBAL[0] = _reference()
    return _GLOBAL[0]


def _as_backend(backend):
    """A backend instance from an instance, a Backend class, or a ``(class, options)`` pair."""
    if isinstance(backend, _Previous):
        return backend.previous
    if isinstance(backend, Backend):
        return backend
    if isinstance(backend, type) and issubclass(backend, Backend):
        return backend()
    if (isinstance(backend, tuple) and len(backend) == 2 and isinstance(backend[0], type)
            and issubclass(backend[0], Backend) and isinstance(backend[1], dict)):
        return backend[0](**backend[1])
    raise ArgumentError(
        f"backend must be a Backend subclass, an instance of one, or a tuple "
        f"(backend class, options dict), got: {backend!r:.80}")


class _Previous:
    """What ``default_backend(b)`` returns: the backend that was the default before
    (as Nx returns it), which also works as a context manager restoring it at the
    end of a ``with`` block (the block sees the new backend)."""

    def __init__(self, backend, previous, token):
        self.backend, self.previous, self._token = backend, previous, token

    def __enter__(self):
        return self.backend

    def __exit__(self, *exc):
        try:
            _CURRENT.reset(self._token)
        except ValueError:   # left in another context: restore by value
            _CURRENT.set(self.previous)
        return False

    def __eq__(self, other):
        return self.previous == (other.previous if isinstance(other, _Previous) else other)

    __hash__ = None

    def __repr__(self):
        return repr(self.previous)


def default_backend(backend=None):
    """Get, or set, the default backend (where new tensors are allocated) of the
    current thread or task.

    With no argument, returns the current default. With a backend (an instance,
    a Backend class, or a ``(class, options)`` pair), makes it the default and
    returns the previous one, which is also a context manager restoring the
    previous default when its ``with`` block ends.

    >>> import nx_ref as nx
    >>> nx.default_backend()
    ReferenceBackend()
    >>> class Mine(nx.ReferenceBackend):
    ...     pass
    >>> with nx.default_backend(Mine) as b:
    ...     b, nx.tensor(1).backend
    (Mine(), Mine())
    >>> nx.default_backend()
    ReferenceBackend()
    """
    current = _CURRENT.get()
    if backend is None:
        return current if current is not None else _global()
    backend = _as_backend(backend)
    previous = current if current is not None else _global()
    token = _CURRENT.set(backend)
    return _Previous(backend, previous, token)


def global_default_backend(backend):
    """Set the default backend of every thread that did not set its own; returns
    the previous global default.

    >>> import nx_ref as nx
    >>> previous = nx.global_default_backend(nx.ReferenceBackend)
    >>> previous
    ReferenceBackend()
    """
    previous = _global()
    _GLOBAL[0] = _as_backend(backend)
    return previous


def with_default_backend(backend, fun):
    """Call ``fun()`` with ``backend`` as the default backend, restoring the previous
    default afterwards (also when ``fun`` raises).

    >>> import nx_ref as nx
    >>> nx.with_default_backend(nx.ReferenceBackend, lambda: nx.tensor([1.0]).backend)
    ReferenceBackend()
    """
    with default_backend(backend):
        return fun()


def pick_backend(tensors):
    """The backend that runs an operation on ``tensors`` (see :class:`Backend`);
    the default backend when there are none.

    >>> import nx_ref as nx
    >>> pick_backend([nx.tensor(1), nx.tensor(2)])
    ReferenceBackend()
    """
    chosen = None
    for t in tensors:
        b = t.backend
        if chosen is None or b is chosen or b == chosen:
            chosen = chosen or b
            continue
        if b.priority != chosen.priority:
            chosen = b if b.priority > chosen.priority else chosen
        elif type(b) is type(chosen) or issubclass(type(chosen), type(b)):
            continue
        elif issubclass(type(b), type(chosen)):
            chosen = b
        else:
            raise IncompatibleBackendsError(chosen, b)
    return chosen if chosen is not None else default_backend()


def _traverse(value, fun):
    """Apply ``fun`` to every tensor of a container (tuples, lists, dicts)."""
    if isinstance(value, dict):
        return {k: _traverse(v, fun) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(_traverse(v, fun) for v in value)
    from nx_ref.tensor import Tensor
    if not isinstance(value, Tensor):
        from nx_ref.api import _tensor_arg
        value = _tensor_arg("backend_copy", value)
    return fun(value)


def backend_copy(tensor_or_container, backend=None):
    """Copy a tensor, or every tensor of a tuple, list or dict, to ``backend``
    (default: the reference backend, as Nx's default is its BinaryBackend; the
    default backend does not matter here). The source keeps its data.

    >>> import nx_ref as nx
    >>> nx.backend_copy(nx.tensor([[1, 2, 3], [4, 5, 6]]))
    #Nx.Tensor<
      s32[2][3]
      [
        [1, 2, 3],
        [4, 5, 6]
      ]
    >
    """
    target = _reference() if backend is None else _as_backend(backend)
    return _traverse(tensor_or_container, lambda t: t.backend.backend_copy(t, target))


def backend_transfer(tensor_or_container, backend=None):
    """Move a tensor, or every tensor of a container, to ``backend`` (default: the
    reference backend). The source may release its data afterwards; use
    :func:`backend_copy` to keep it.

    >>> import nx_ref as nx
    >>> nx.backend_transfer((nx.tensor([1, 2]), {"b": 3}), nx.ReferenceBackend)
    (#Nx.Tensor<
      s32[2]
      [1, 2]
    >, {'b': #Nx.Tensor<
      s32
      3
    >})
    """
    target = _reference() if backend is None else _as_backend(backend)
    return _traverse(tensor_or_container, lambda t: t.backend.backend_transfer(t, target))
