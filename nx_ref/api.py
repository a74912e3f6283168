"""The ``nx.*`` functions, bound from the spec registry.

Each function is the same few steps (see DESIGN.md): bind the arguments to the
op's declared parameters, turn Python numbers into literals, let the spec
normalise the options and infer the output spec, pick the backend of the inputs
and call its method of the op's name with ``out``. The functions are listed
explicitly below (``exp = _bind("exp")``); a test checks that they and the
registry name the same ops.

>>> import nx_ref as nx
>>> nx.add(nx.tensor([1, 2], type="u8"), 255)
#Nx.Tensor<
  u8[2]
  [0, 1]
>
"""

from __future__ import annotations

from spec import registry
from spec.errors import ArgumentError, TypeError_
from spec.registry import TensorSpec
from nx_ref import backend as _backend
from nx_ref.tensor import Tensor

_NUMBER = (bool, int, float, complex)


def _as_input(op, param, value):
    if isinstance(value, Tensor):
        return value
    if isinstance(value, _NUMBER):
        return value
    if hasattr(value, "__array_interface__") or hasattr(value, "__dlpack__") and not isinstance(value, Tensor):
        from nx_ref import interop
        return interop.from_numpy(value)
    raise TypeError_(
        f"nx.{op.name}: expected a tensor or a number for argument {param.name!r}, got "
        f"{type(value).__name__}: {value!r:.80}; build one with nx.tensor(...)")


def _call(op, sig, args, kwargs):
    try:
        bound = sig.bind(*args, **kwargs)
    except TypeError as e:
        raise TypeError_(f"nx.{op.name}: {e}") from None
    bound.apply_defaults()
    arguments = bound.arguments
    positional = []
    opts = {}
    for p in op.params:
        v = arguments[p.name]
        if p.kind == "tensor":
            v = _as_input(op, p, v)
        elif p.kind == "tensors":
            if not isinstance(v, (list, tuple)):
                raise TypeError_(f"nx.{op.name}: expected a list of tensors for {p.name!r}, got {v!r:.80}")
            v = [_as_input(op, p, x) for x in v]
        if p.kind == "option":
            opts[p.name] = v
        else:
            positional.append(v)
    specs = [_spec(v) for v in positional]
    opts = op.normalize(*specs, **opts)
    out = op.infer(*specs, **opts)

    explicit = opts.get("backend")
    tensors = [t for v in positional for t in (v if isinstance(v, list) else [v]) if isinstance(t, Tensor)]
    if explicit is not None:
        target = _backend._as_backend(explicit)
    else:
        target = _backend.pick_backend(tensors)
    inputs = [_materialize(op, target, specs, i, v) for i, v in enumerate(positional)
              if op.params[i].kind in ("tensor", "tensors")]
    backend_opts = {k: opts[k] for k in op.backend_option_names if k in opts}
    return getattr(target, op.name)(out, *inputs, **backend_opts)


def _spec(v):
    if isinstance(v, Tensor):
        return v.spec
    if isinstance(v, list):
        return [_spec(x) for x in v]
    return v


def _materialize(op, target, specs, index, v):
    """Numbers become scalar tensors of their literal type; tensors on other
    backends move to the target backend."""
    if isinstance(v, Tensor):
        return v if v.backend == target else _backend.backend_copy(v, target)
    if isinstance(v, _NUMBER) and op.params[index].kind == "tensor":
        t = op.literal_type(specs, index)
        return target.constant(TensorSpec(t, (), ()), v)
    if isinstance(v, list) and op.params[index].kind == "tensors":
        return [_materialize(op, target, specs, index, x) if isinstance(x, Tensor)
                else target.constant(TensorSpec(op.literal_type(specs, index), (), ()), x) for x in v]
    return v


def _bind(name):
    op = registry.get(name)
    sig = op.signature

    def fn(*args, **kwargs):
        return _call(op, sig, args, kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = op.doc
    fn.__signature__ = sig
    fn.__module__ = "nx_ref"
    fn.op = op
    return fn


def _frontend(name):
    """Decorate a hand-written frontend function of a registry op: it takes the
    op's docstring and signature."""
    op = registry.get(name)

    def wrap(fn):
        fn.__name__ = fn.__qualname__ = name
        fn.__doc__ = op.doc
        fn.__signature__ = op.signature
        fn.__module__ = "nx_ref"
        fn.op = op
        return fn
    return wrap


# -- creation and conversion (hand-written frontends) --------------------------

@_frontend("tensor")
def tensor(data, *, type=None, names=None, backend=None):
    if isinstance(data, Tensor):
        return _retag(data, type, names, backend)
    if hasattr(data, "__array_interface__") and not isinstance(data, (list, tuple)):
        from nx_ref import interop
        t = interop.from_numpy(data)
        return _retag(t, type, names, backend)
    from spec.ops.creation import literal
    out, flat = literal(data, type, names)
    target = _backend.default_backend() if backend is None else _backend._as_backend(backend)
    if hasattr(target, "from_values"):
        return target.from_values(out, flat)
    from spec import codec
    return target.from_binary(out, bytes(codec.encode(out.type, flat)))


def _retag(t, type, names, backend):
    from spec import names as _names, types as _types
    if type is not None and t.type != _types.normalize(type):
        raise TypeError_(f"nx.tensor expects a tensor with type {_types.normalize(type)} "
                         f"but it was given a tensor of type {t.type}")
    if backend is not None:
        t = _backend.backend_copy(t, backend)
    new_names = _names.validate_names(names, t.rank)
    if names is not None:
        _names.merge_names(t.names, new_names)
    return Tensor(t.data, t.type, t.shape, new_names, t.backend)


@_frontend("constant")
def constant(number, *, type=None, backend=None):
    out = registry.get("constant").infer(number, type=type)
    target = _backend.default_backend() if backend is None else _backend._as_backend(backend)
    return target.constant(out, number)


@_frontend("from_binary")
def from_binary(data, type, *, backend=None):
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError_(f"nx.from_binary expects bytes, got {type(data).__name__}")
    data = bytes(data)
    out = registry.get("from_binary").infer(data, type)
    target = _backend.default_backend() if backend is None else _backend._as_backend(backend)
    return target.from_binary(out, data)


@_frontend("to_binary")
def to_binary(tensor, *, limit=None):
    tensor = _tensor_arg("to_binary", tensor)
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise ArgumentError(f"nx.to_binary: limit must be a non-negative integer, got {limit!r}")
    return tensor.backend.to_binary(tensor, limit)


@_frontend("template")
def template(shape, type, *, names=None):
    from nx_ref.template_backend import TemplateBackend
    out = registry.get("template").infer(shape, type, names=names)
    return Tensor.from_spec(out, None, TemplateBackend())


def _tensor_arg(fname, t):
    if isinstance(t, Tensor):
        return t
    if isinstance(t, _NUMBER):
        return tensor(t)
    raise TypeError_(f"nx.{fname}: expected a tensor, got {type(t).__name__}")


def to_flat_list(tensor):
    """The elements of a tensor as a flat Python list, in row-major order.

    >>> import nx_ref as nx
    >>> nx.to_flat_list(nx.tensor([[1, 2], [3, 4]]))
    [1, 2, 3, 4]
    """
    tensor = _tensor_arg("to_flat_list", tensor)
    return tensor.backend.to_flat_list(tensor)


def to_list(tensor):
    """The data of a tensor as nested Python lists (a number for a scalar).

    NaN and infinities come back as ``float("nan")`` / ``float("inf")``.

    >>> import nx_ref as nx
    >>> nx.to_list(nx.tensor([[1, 2], [3, 4]]))
    [[1, 2], [3, 4]]
    >>> nx.to_list(nx.tensor(1.5))
    1.5
    """
    tensor = _tensor_arg("to_list", tensor)
    flat = tensor.backend.to_flat_list(tensor)
    if not tensor.shape:
        return flat[0]
    return _nest(flat, tensor.shape)


def _nest(flat, shape):
    for d in reversed(shape[1:]):
        flat = [flat[i:i + d] for i in range(0, len(flat), d)] if d else [[] for _ in range(len(flat) and 0)]
    return flat if shape[0] else []


def to_number(tensor):
    """The single value of a scalar tensor as a Python number.

    >>> import nx_ref as nx
    >>> nx.to_number(nx.tensor(3))
    3
    """
    tensor = _tensor_arg("to_number", tensor)
    if tensor.shape != ():
        raise ArgumentError(f"nx.to_number expects a scalar tensor, got a tensor of shape {tensor.shape}")
    return tensor.backend.to_flat_list(tensor)[0]


# -- ops bound from the registry ------------------------------------------------

# creation and conversion
iota = _bind("iota")
eye = _bind("eye")
broadcast = _bind("broadcast")
as_type = _bind("as_type")
bitcast = _bind("bitcast")

# element-wise unary (spec/ops/unary.py)
exp = _bind("exp")
# end of element-wise unary

# element-wise binary (spec/ops/binary.py)
add = _bind("add")
divide = _bind("divide")
# end of element-wise binary

# reductions (spec/ops/reductions.py)
sum = _bind("sum")
# end of reductions

__all__ = [
    # creation and conversion
    "tensor", "constant", "from_binary", "to_binary", "template", "to_flat_list", "to_list",
    "to_number", "iota", "eye", "broadcast", "as_type", "bitcast",
    # element-wise unary
    "exp",
    # element-wise binary
    "add", "divide",
    # reductions
    "sum",
]
