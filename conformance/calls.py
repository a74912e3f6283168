"""One call of one op, as plain data: what the strategies draw, what a failure
records, and what a reproduction snippet replays.

A :class:`TensorArg` is a tensor described by its flat values, type, shape, names
and *layout*: ``"contiguous"`` (built directly with the backend's
``from_binary``), ``"transposed"`` (built with its axes reversed, then
``nx.transpose``-d on the backend) or ``"sliced"`` (built one row longer, then
``nx.slice``-d), so that backends see inputs that are not fresh buffers.

>>> import nx_ref as nx
>>> x = TensorArg((1.0, 2.0, 3.0, 4.0), "f32", (2, 2), ("x", None), "transposed")
>>> x.build(nx.ReferenceBackend()).to_list()
[[1.0, 2.0], [3.0, 4.0]]
>>> call = Call("add", (x, 1), {})
>>> call.run(nx.ReferenceBackend()).to_list()
[[2.0, 3.0], [4.0, 5.0]]
>>> print(call.source("b"))
x0 = nx.transpose(nx.tensor([[1.0, 3.0], [2.0, 4.0]], type="f32", names=[None, 'x'], backend=b))
out = nx.add(x0, 1)
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

from spec import codec, types
from spec.registry import TensorSpec

__all__ = ["TensorArg", "Call", "Fun", "literal"]


def literal(v) -> str:
    """Python source for a value, NaN and infinities included.

    >>> literal(float("nan")), literal(complex(1, float("-inf"))), literal(-0.0)
    ('float("nan")', 'complex(1.0, float("-inf"))', '-0.0')
    """
    if isinstance(v, bool) or v is None or isinstance(v, (int, str, bytes)):
        return repr(v)
    if isinstance(v, float):
        if v != v:
            return 'float("nan")'
        if math.isinf(v):
            return 'float("inf")' if v > 0 else 'float("-inf")'
        return repr(v)
    if isinstance(v, complex):
        return f"complex({literal(v.real)}, {literal(v.imag)})"
    if isinstance(v, (list, tuple)):
        inner = ", ".join(literal(x) for x in v)
        return f"[{inner}]" if isinstance(v, list) else f"({inner}{',' if len(v) == 1 else ''})"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(x)}" for k, x in v.items()) + "}"
    return repr(v)


def _nest(flat, shape):
    if not shape:
        return flat[0]
    if len(shape) == 1:
        return list(flat)
    step = len(flat) // shape[0]
    return [_nest(flat[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]


def _reverse_axes(flat, shape):
    """The row-major values of the tensor whose axes are ``shape``'s reversed."""
    rev = tuple(reversed(shape))
    strides = [math.prod(shape[i + 1:]) for i in range(len(shape))]
    out = []
    for index in itertools.product(*(range(d) for d in rev)):
        out.append(flat[sum(i * s for i, s in zip(reversed(index), strides))])
    return tuple(out)


@dataclass(frozen=True)
class TensorArg:
    """A tensor argument as data (see the module docstring)."""

    values: tuple
    type: str
    shape: tuple
    names: tuple
    layout: str = "contiguous"

    @property
    def spec(self) -> TensorSpec:
        return TensorSpec(types.normalize(self.type), tuple(self.shape), tuple(self.names))

    def _stored(self):
        """(values, shape, names) of the buffer built before the layout step."""
        if self.layout == "transposed" and len(self.shape) >= 2:
            return (_reverse_axes(self.values, self.shape), tuple(reversed(self.shape)),
                    tuple(reversed(self.names)))
        if self.layout == "sliced" and self.shape:
            row = math.prod(self.shape[1:])
            pad = self.values[:row] if self.values[:row] else (0,) * row
            pad = tuple(pad) + (self.values[0] if self.values else 0,) * (row - len(pad))
            return pad + tuple(self.values), (self.shape[0] + 1,) + tuple(self.shape[1:]), self.names
        return self.values, self.shape, self.names

    def build(self, backend):
        """The tensor on ``backend``."""
        import nx_ref as nx
        values, shape, names = self._stored()
        t = types.normalize(self.type)
        x = backend.from_binary(TensorSpec(t, tuple(shape), tuple(names)),
                                bytes(codec.encode(t, list(values))))
        if self._step() == "transposed":
            return nx.transpose(x)
        if self._step() == "sliced":
            return nx.slice(x, [1] + [0] * (len(shape) - 1), list(self.shape))
        return x

    def _step(self):
        """The layout step actually taken (none for tensors too small for it)."""
        if self.layout == "transposed" and len(self.shape) >= 2:
            return "transposed"
        if self.layout == "sliced" and self.shape:
            return "sliced"
        return None

    def source(self, backend="b") -> str:
        """Python source building this tensor on the backend named ``backend``."""
        values, shape, names = self._stored()
        named = f", names={literal(list(names))}" if any(n is not None for n in names) else ""
        if 0 in shape:
            base = (f"nx.reshape(nx.from_binary(b\"\", \"{self.type}\", backend={backend}), "
                    f"{literal(tuple(shape))}{named})")
        else:
            base = (f"nx.tensor({literal(_nest(list(values), tuple(shape)))}, type=\"{self.type}\""
                    f"{named}, backend={backend})")
        if self._step() == "transposed":
            return f"nx.transpose({base})"
        if self._step() == "sliced":
            return f"nx.slice({base}, {[1] + [0] * (len(shape) - 1)}, {list(self.shape)})"
        return base

    def describe(self) -> dict:
        """JSON-friendly description: values as a flat list, type, shape, names, layout."""
        return {"values": [_json_value(v) for v in self.values], "type": self.type,
                "shape": list(self.shape), "names": list(self.names), "layout": self.layout}


def _json_value(v):
    if isinstance(v, complex):
        return [_json_value(v.real), _json_value(v.imag)]
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    return v


class Fun:
    """A function argument (of ``nx.reduce``, ``nx.window_reduce``) that prints as
    its source."""

    def __init__(self, name, source, fn):
        self.name, self._source, self._fn = name, source, fn

    def __call__(self, *args):
        return self._fn(*args)

    def __repr__(self):
        return self._source


def _add(a, b):
    import nx_ref as nx
    return nx.add(a, b)


Fun.ADD = Fun("add", "lambda a, b: nx.add(a, b)", _add)


def op_function(name):
    """The ``nx`` function of the op ``name`` (linear algebra in ``nx.linalg``).

    >>> op_function("exp").__name__, op_function("cholesky").__module__
    ('exp', 'nx_ref.linalg')
    """
    import nx_ref as nx
    fn = getattr(nx, name, None)
    return fn if fn is not None else getattr(nx.linalg, name)


def op_path(name) -> str:
    """How a reproduction spells the op: ``nx.exp``, ``nx.linalg.cholesky``."""
    import nx_ref as nx
    return f"nx.{name}" if hasattr(nx, name) else f"nx.linalg.{name}"


def _build(value, backend):
    if isinstance(value, TensorArg):
        return value.build(backend)
    if isinstance(value, list) and value and all(isinstance(v, TensorArg) for v in value):
        return [v.build(backend) for v in value]
    return value


@dataclass(frozen=True)
class Call:
    """``nx.<op>(*args, **opts)`` with tensors described by :class:`TensorArg`."""

    op: str
    args: tuple
    opts: dict = field(default_factory=dict)

    def run(self, backend):
        """Build the inputs on ``backend`` and call the op; an op without tensor
        inputs runs with ``backend`` as the default backend (it allocates there)."""
        import nx_ref as nx
        args = [_build(a, backend) for a in self.args]
        if any(isinstance(a, TensorArg) or isinstance(a, list) and a and isinstance(a[0], TensorArg)
               for a in self.args):
            return op_function(self.op)(*args, **self.opts)
        with nx.default_backend(backend):
            return op_function(self.op)(*args, **self.opts)

    def source(self, backend="b") -> str:
        """Python source replaying the call on the backend named ``backend``."""
        lines, args = [], []
        for i, a in enumerate(self.args):
            if isinstance(a, TensorArg):
                lines.append(f"x{i} = {a.source(backend)}")
                args.append(f"x{i}")
            elif isinstance(a, list) and a and all(isinstance(v, TensorArg) for v in a):
                lines.append(f"x{i} = [{', '.join(v.source(backend) for v in a)}]")
                args.append(f"x{i}")
            else:
                args.append(literal(a))
        args += [f"{k}={literal(v)}" for k, v in self.opts.items()]
        lines.append(f"out = {op_path(self.op)}({', '.join(args)})")
        return "\n".join(lines)

    def describe(self) -> dict:
        """JSON-friendly description of the inputs and options."""
        def one(a):
            if isinstance(a, TensorArg):
                return a.describe()
            if isinstance(a, list):
                return [one(v) for v in a]
            if isinstance(a, (bool, int, str)) or a is None:
                return a
            return literal(a)
        return {"op": self.op, "args": [one(a) for a in self.args],
                "opts": {k: one(v) for k, v in self.opts.items()}}
