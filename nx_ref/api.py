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
    from nx_ref.defn.undefined import Undefined
    if isinstance(value, Undefined):
        value.error()
    if hasattr(value, "__array_interface__") or hasattr(value, "__dlpack__") and not isinstance(value, Tensor):
        from nx_ref import interop
        return interop.from_numpy(value)
    raise TypeError_(
        f"nx.{op.name}: expected a tensor or a number for argument {param.name!r}, got "
        f"{value.__class__.__name__}: {value!r:.80}; build one with nx.tensor(...)")


def _check_keywords(op, kwargs):
    """Unknown keyword options are errors that list the valid ones (Nx's ``keyword!``)."""
    known = {p.name for p in op.params}
    for key in kwargs:
        if key not in known:
            valid = ", ".join(op.option_names) or "none"
            raise ArgumentError(
                f"nx.{op.name}: unknown option {key}={kwargs[key]!r:.40}, "
                f"expected one of: {valid}")


def _call(op, sig, args, kwargs):
    _check_keywords(op, kwargs)
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
        if v.backend == target:
            return v
        capture = getattr(target, "capture", None)     # a tracing backend keeps the tensor
        return capture(v) if capture is not None else _backend.backend_copy(v, target)
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
    op's docstring and signature, and rejects unknown options as bound ops do."""
    op = registry.get(name)

    def wrap(fn):
        def frontend(*args, **kwargs):
            _check_keywords(op, kwargs)
            return fn(*args, **kwargs)
        frontend.__name__ = frontend.__qualname__ = name
        frontend.__doc__ = op.doc
        frontend.__signature__ = op.signature
        frontend.__module__ = "nx_ref"
        frontend.__wrapped__ = fn
        frontend.op = op
        return frontend
    return wrap


# -- creation and conversion (hand-written frontends) --------------------------
# (inside these functions `type` is the option; builtins that api.py rebinds as
# nx functions, such as min, max, sum and complex, are not used here)

def _target(backend):
    return _backend.default_backend() if backend is None else _backend._as_backend(backend)


def _is_array(data):
    return hasattr(data, "__array_interface__") and not isinstance(data, (list, tuple))


@_frontend("tensor")
def tensor(data, *, type=None, names=None, backend=None):
    if isinstance(data, Tensor):
        return _retag(data, type, names, backend)
    from spec.ops.creation import literal
    if _is_array(data) and type is None:
        from nx_ref import interop
        return interop.from_numpy(data, names=names, backend=backend)
    if _is_array(data):       # an explicit type: the rules of nested lists apply
        data = data.tolist()
    out, flat = literal(data, type, names)
    target = _target(backend)
    if hasattr(target, "from_values"):
        return target.from_values(out, flat)
    from spec import codec
    return target.from_binary(out, bytes(codec.encode(out.type, flat)))


def _retag(t, type, names, backend):
    """``nx.tensor`` of a tensor: checks ``type`` and ``backend``, sets new names."""
    from spec import names as _names, types as _types
    if backend is not None:
        wanted = _backend._as_backend(backend)
        if wanted.__class__ is not t.backend.__class__:
            raise ArgumentError(
                f"nx.tensor wants to allocate on backend {wanted!r} but it was given a tensor "
                f"allocated on {t.backend!r}")
    if type is not None and t.type != _types.normalize(type):
        raise TypeError_(f"nx.tensor expects a tensor with type {_types.normalize(type)} "
                         f"but it was given a tensor of type {t.type}")
    new_names = _names.validate_names(names, t.rank)
    if names is not None:
        _names.merge_names(t.names, new_names)
    return Tensor(t.data, t.type, t.shape, new_names, t.backend)


@_frontend("constant")
def constant(number, *, type=None, backend=None):
    out = registry.get("constant").infer(number, type=type)
    if number.__class__ not in _NUMBER:
        from spec.ops.creation import _as_number
        number = _as_number(number, (), 0)
    return _target(backend).constant(out, number)


@_frontend("from_binary")
def from_binary(data, type, *, backend=None):
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError_(f"nx.from_binary expects bytes, got {data.__class__.__name__}: {data!r:.40}")
    data = bytes(data)
    out = registry.get("from_binary").infer(data, type)
    return _target(backend).from_binary(out, data)


def _limit(fname, limit, size):
    """The number of elements to read: ``limit`` capped to ``size`` (None: all)."""
    if limit is None:
        return None
    if limit.__class__ is not int or limit < 0:
        raise ArgumentError(f"nx.{fname}: limit must be a non-negative integer, got {limit!r:.40}")
    return limit if limit < size else None


@_frontend("to_binary")
def to_binary(tensor, *, limit=None):
    tensor = _tensor_arg("to_binary", tensor)
    return tensor.backend.to_binary(tensor, _limit("to_binary", limit, tensor.size))


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
    raise TypeError_(f"nx.{fname}: expected a tensor or a number, got "
                     f"{t.__class__.__name__}: {t!r:.80}")


def to_flat_list(tensor, *, limit=None):
    """The elements of a tensor as a flat Python list, in row-major order, the
    first ``limit`` of them when given. NaN and infinities come back as
    ``float("nan")`` and ``float("inf")`` (Nx returns atoms).

    >>> import nx_ref as nx
    >>> nx.to_flat_list(1)
    [1]
    >>> nx.to_flat_list(nx.tensor([1.0, 2.0, 3.0]))
    [1.0, 2.0, 3.0]
    >>> nx.to_flat_list(nx.tensor([1.0, 2.0, 3.0]), limit=2)
    [1.0, 2.0]
    >>> nx.to_flat_list(nx.tensor([float("-inf"), float("nan"), float("inf")]))
    [-inf, nan, inf]
    """
    tensor = _tensor_arg("to_flat_list", tensor)
    count = _limit("to_flat_list", limit, tensor.size)
    if count is None:
        return list(tensor.backend.to_flat_list(tensor))
    from spec import codec
    return list(codec.decode(tensor.type, tensor.backend.to_binary(tensor, count), count=count))[:count]


def to_list(tensor):
    """The data of a tensor as nested Python lists. Scalars raise, as in Nx: use
    :func:`to_number` for them.

    >>> import nx_ref as nx
    >>> nx.to_list(nx.iota((2, 3)))
    [[0, 1, 2], [3, 4, 5]]
    >>> nx.to_list(nx.tensor(123))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: cannot convert a scalar tensor to a list (use nx.to_number), got: #Nx.Tensor<
      s32
      123
    >
    """
    tensor = _tensor_arg("to_list", tensor)
    if not tensor.shape:
        raise ArgumentError(
            f"cannot convert a scalar tensor to a list (use nx.to_number), got: {tensor!r}")
    return _nest(list(tensor.backend.to_flat_list(tensor)), tensor.shape)


def _nest(flat, shape):
    if len(shape) == 1:
        return flat
    if 0 not in shape:
        for d in reversed(shape[1:]):
            flat = [flat[i:i + d] for i in range(0, len(flat), d)]
        return flat
    step = len(flat) // shape[0] if shape[0] else 0
    return [_nest(flat[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]


def to_number(tensor):
    """The value of a scalar tensor as a Python number (numbers pass through).

    >>> import nx_ref as nx
    >>> nx.to_number(1), nx.to_number(nx.tensor(2.5, type="f16"))
    (1, 2.5)
    >>> nx.to_number(nx.tensor([1.0, 2.0, 3.0]))
    Traceback (most recent call last):
    ...
    spec.errors.ArgumentError: cannot convert tensor of shape (3,) to number
    """
    if isinstance(tensor, _NUMBER):
        return tensor
    tensor = _tensor_arg("to_number", tensor)
    if tensor.shape != ():
        raise ArgumentError(f"cannot convert tensor of shape {tensor.shape} to number")
    return tensor.backend.to_flat_list(tensor)[0]


# -- ops bound from the registry ------------------------------------------------

# creation and conversion
iota = _bind("iota")
eye = _bind("eye")
broadcast = _bind("broadcast")
as_type = _bind("as_type")
bitcast = _bind("bitcast")

# element-wise unary (spec/ops/unary.py, unary_trig.py, unary_parts.py)
exp = _bind("exp")
expm1 = _bind("expm1")
log = _bind("log")
log1p = _bind("log1p")
log2 = _bind("log2")
log10 = _bind("log10")
sigmoid = _bind("sigmoid")
sqrt = _bind("sqrt")
rsqrt = _bind("rsqrt")
cbrt = _bind("cbrt")
erf = _bind("erf")
erfc = _bind("erfc")
erf_inv = _bind("erf_inv")
sin = _bind("sin")
cos = _bind("cos")
tan = _bind("tan")
asin = _bind("asin")
acos = _bind("acos")
atan = _bind("atan")
sinh = _bind("sinh")
cosh = _bind("cosh")
tanh = _bind("tanh")
asinh = _bind("asinh")
acosh = _bind("acosh")
atanh = _bind("atanh")
abs = _bind("abs")
negate = _bind("negate")
sign = _bind("sign")
ceil = _bind("ceil")
floor = _bind("floor")
round = _bind("round")
is_nan = _bind("is_nan")
is_infinity = _bind("is_infinity")
logical_not = _bind("logical_not")
bitwise_not = _bind("bitwise_not")
population_count = _bind("population_count")
count_leading_zeros = _bind("count_leading_zeros")
real = _bind("real")
imag = _bind("imag")
conjugate = _bind("conjugate")
phase = _bind("phase")
# end of element-wise unary

# element-wise binary (spec/ops/binary.py)
add = _bind("add")
subtract = _bind("subtract")
multiply = _bind("multiply")
divide = _bind("divide")
quotient = _bind("quotient")
remainder = _bind("remainder")
pow = _bind("pow")
atan2 = _bind("atan2")
min = _bind("min")
max = _bind("max")
complex = _bind("complex")
bitwise_and = _bind("bitwise_and")
bitwise_or = _bind("bitwise_or")
bitwise_xor = _bind("bitwise_xor")
left_shift = _bind("left_shift")
right_shift = _bind("right_shift")
equal = _bind("equal")
not_equal = _bind("not_equal")
greater = _bind("greater")
less = _bind("less")
greater_equal = _bind("greater_equal")
less_equal = _bind("less_equal")
logical_and = _bind("logical_and")
logical_or = _bind("logical_or")
logical_xor = _bind("logical_xor")
select = _bind("select")
clip = _bind("clip")
# end of element-wise binary

# reductions (spec/ops/reductions.py, spec/ops/statistics.py)
sum = _bind("sum")
reduce = _bind("reduce")
product = _bind("product")
reduce_max = _bind("reduce_max")
reduce_min = _bind("reduce_min")
argmax = _bind("argmax")
argmin = _bind("argmin")
all = _bind("all")
any = _bind("any")
mean = _bind("mean")
variance = _bind("variance")
standard_deviation = _bind("standard_deviation")
logsumexp = _bind("logsumexp")
all_close = _bind("all_close")
# end of reductions

# shape (issue 3: spec/ops/shape.py, joining.py, slicing.py, padding.py; `slice`
# shadows the builtin in this module, which therefore does not use it)
reshape = _bind("reshape")
rename = _bind("rename")
transpose = _bind("transpose")
squeeze = _bind("squeeze")
new_axis = _bind("new_axis")
flatten = _bind("flatten")
reverse = _bind("reverse")
concatenate = _bind("concatenate")
stack = _bind("stack")
tile = _bind("tile")
slice = _bind("slice")
slice_along_axis = _bind("slice_along_axis")
put_slice = _bind("put_slice")
split = _bind("split")
pad = _bind("pad")
pad_outer = _bind("pad_outer")
reflect = _bind("reflect")
from nx_ref.shape_info import (axes, axis_index, axis_size, bit_size, byte_size,  # noqa: E402
                               flat_size, is_compatible, names, rank, shape, size)
# end of shape

# indexing (issue 3)
gather = _bind("gather")
take = _bind("take")
take_along_axis = _bind("take_along_axis")
indexed_add = _bind("indexed_add")
indexed_put = _bind("indexed_put")
# end of indexing

# contraction (issue 3)
@_frontend("dot")
def dot(*args, **kwargs):
    from spec.ops.contraction import dot_arguments
    t1, t2, opts = dot_arguments(args, kwargs)
    return _call(dot.op, dot.op.signature, (t1, t2), opts)


outer = _bind("outer")
conv = _bind("conv")
# end of contraction

# sort and cumulative (issue 3)
sort = _bind("sort")
argsort = _bind("argsort")
top_k = _bind("top_k")
cumulative_sum = _bind("cumulative_sum")
cumulative_product = _bind("cumulative_product")
cumulative_min = _bind("cumulative_min")
cumulative_max = _bind("cumulative_max")
# end of sort and cumulative

# windows (issue 3)
window_sum = _bind("window_sum")
window_product = _bind("window_product")
window_max = _bind("window_max")
window_min = _bind("window_min")
window_mean = _bind("window_mean")
window_reduce = _bind("window_reduce")
window_scatter_max = _bind("window_scatter_max")
window_scatter_min = _bind("window_scatter_min")
# end of windows

# creation and statistics (issue 3: spec/ops/diagonals.py, fill.py, statistics_extra.py)
tri = _bind("tri")
tril = _bind("tril")
triu = _bind("triu")
take_diagonal = _bind("take_diagonal")
make_diagonal = _bind("make_diagonal")
put_diagonal = _bind("put_diagonal")
linspace = _bind("linspace")
fill = _bind("fill")
weighted_mean = _bind("weighted_mean")
median = _bind("median")
mode = _bind("mode")
diff = _bind("diff")


@_frontend("covariance")
def covariance(tensor, mean=None, *, ddof=0):
    # Nx's covariance/2 and /3: without a mean, the column means of the tensor
    if mean is None:
        import nx_ref
        from spec.ops.statistics_extra import check_covariance_input
        tensor = _tensor_arg("covariance", tensor)
        check_covariance_input(tensor.spec)
        mean = nx_ref.mean(tensor, axes=[-2])
    return _call(covariance.op, covariance.op.signature, (tensor, mean), {"ddof": ddof})
# end of creation and statistics

# conversion and files (issue 3: nx_ref/containers.py, batching.py, heatmap.py,
# serialization.py, npy.py, dlpack.py; these are not spec ops: no graph node, no backend op)
from nx_ref.containers import to_tensor, to_template  # noqa: E402
from nx_ref.batching import to_batched  # noqa: E402
from nx_ref.heatmap import to_heatmap  # noqa: E402
from nx_ref.serialization import serialize, deserialize  # noqa: E402
from nx_ref.npy import load_numpy, load_numpy_archive  # noqa: E402
from nx_ref.dlpack import from_dlpack  # noqa: E402
# end of conversion and files

# fft (issue 4)
fft = _bind("fft")
ifft = _bind("ifft")
fft2 = _bind("fft2")
ifft2 = _bind("ifft2")
rfft = _bind("rfft")
irfft = _bind("irfft")
# end of fft

__all__ = [
    # creation and conversion
    "tensor", "constant", "from_binary", "to_binary", "template", "to_flat_list", "to_list",
    "to_number", "iota", "eye", "broadcast", "as_type", "bitcast",
    # element-wise unary
    "exp", "expm1", "log", "log1p", "log2", "log10", "sigmoid", "sqrt", "rsqrt", "cbrt",
    "erf", "erfc", "erf_inv", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh",
    "tanh", "asinh", "acosh", "atanh", "abs", "negate", "sign", "ceil", "floor", "round",
    "is_nan", "is_infinity", "logical_not", "bitwise_not", "population_count",
    "count_leading_zeros", "real", "imag", "conjugate", "phase",
    # element-wise binary (spec/ops/binary.py, comparison.py, bitwise.py, selection.py)
    "add", "subtract", "multiply", "divide", "quotient", "remainder", "pow", "atan2", "min",
    "max", "complex", "bitwise_and", "bitwise_or", "bitwise_xor", "left_shift",
    "right_shift", "equal", "not_equal", "greater", "less", "greater_equal", "less_equal",
    "logical_and", "logical_or", "logical_xor", "select", "clip",
    # reductions
    "sum", "reduce", "product", "reduce_max", "reduce_min", "argmax", "argmin", "all", "any",
    "mean", "variance", "standard_deviation", "logsumexp", "all_close",
    # shape
    "reshape", "rename", "transpose", "squeeze", "new_axis", "flatten", "reverse",
    "concatenate", "stack", "tile", "slice", "slice_along_axis", "put_slice", "split", "pad",
    "pad_outer", "reflect", "shape", "rank", "size", "flat_size", "axes", "names", "axis_size",
    "axis_index", "byte_size", "bit_size", "is_compatible",
    # end of shape in __all__
    # indexing
    "gather", "take", "take_along_axis", "indexed_add", "indexed_put",
    # end of indexing in __all__
    # contraction
    "dot", "outer", "conv",
    # end of contraction in __all__
    # sort and cumulative
    "sort", "argsort", "top_k", "cumulative_sum", "cumulative_product", "cumulative_min",
    "cumulative_max",
    # end of sort and cumulative in __all__
    # windows
    "window_sum", "window_product", "window_max", "window_min", "window_mean",
    "window_reduce", "window_scatter_max", "window_scatter_min",
    # end of windows in __all__
    # creation and statistics
    "tri", "tril", "triu", "take_diagonal", "make_diagonal", "put_diagonal", "linspace",
    "fill", "weighted_mean", "median", "mode", "covariance", "diff",
    # end of creation and statistics in __all__
    # conversion and files
    "to_tensor", "to_template", "to_batched", "to_heatmap", "serialize", "deserialize",
    "load_numpy", "load_numpy_archive", "from_dlpack",
    # end of conversion and files in __all__
    # fft
    "fft", "ifft", "fft2", "ifft2", "rfft", "irfft",
    # end of fft in __all__
]
