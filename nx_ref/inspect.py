"""Nx's printed form of a tensor (``repr``), as ``#Nx.Tensor<...>``.

Floats print as the shortest decimal that reads back as the same value of the
tensor's type (Nx prints f32 with Ryu the same way); NaN and infinities print as
``NaN``, ``Inf`` and ``-Inf``; complex numbers as ``1.0+2.0i``. At most
``limit`` elements are printed (50 by default, as Nx's ``inspect`` limit), the
rest elided with ``...``.

>>> import nx_ref as nx
>>> print(inspect(nx.tensor([[1, 2], [3, 4]], names=["x", None])))
#Nx.Tensor<
  s32[x: 2][2]
  [
    [1, 2],
    [3, 4]
  ]
>
>>> format_float(0.1, "f32"), format_float(1e20, "f64"), format_float(float("-inf"), "f16")
('0.1', '1.0e20', '-Inf')
"""

from __future__ import annotations

import math

from spec import values

__all__ = ["inspect", "format_float", "format_value", "DEFAULT_LIMIT"]

DEFAULT_LIMIT = 50


def _shortest(x: float, type_name: str) -> str:
    if type_name == "f64":
        return repr(x)
    for digits in range(1, 18):
        s = f"{x:.{digits}g}"
        if values.round_float(type_name, float(s)) == x:
            return s
    return repr(x)


def format_float(x: float, type_name: str) -> str:
    """Format one float as Nx prints it (Elixir's float notation)."""
    if x != x:
        return "NaN"
    if math.isinf(x):
        return "Inf" if x > 0 else "-Inf"
    s = _shortest(x, type_name)
    mantissa, _, exponent = s.partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    if exponent:
        return f"{mantissa}e{int(exponent)}"
    # Elixir switches to scientific notation from 1.0e16 up and below 1.0e-4
    return mantissa


def format_value(v, type_) -> str:
    if type_.is_integer:
        return str(v)
    if type_.is_complex:
        part = "f32" if type_.bits == 64 else "f64"
        re = format_float(v.real, part)
        im = format_float(v.imag, part)
        return f"{re}{im if im.startswith('-') else '+' + im}i"
    return format_float(v, type_.name)


def _shape_text(t) -> str:
    return "".join(f"[{n}: {d}]" if n is not None else f"[{d}]" for d, n in zip(t.shape, t.names))


def _data_text(t, limit) -> str:
    if t.size == 0:
        return "[]"
    count = t.size if limit is None else min(t.size, limit)
    flat = t.backend.to_flat_list(t) if count == t.size else _head(t, count)
    items = [format_value(v, t.type) for v in flat[:count]]
    if not t.shape:
        return items[0]
    state = {"left": count, "pos": 0}

    def block(dims, indent):
        d = dims[0]
        parts = []
        for _ in range(d):
            if state["left"] == 0:
                parts.append("...")
                break
            if len(dims) == 1:
                parts.append(items[state["pos"]])
                state["pos"] += 1
                state["left"] -= 1
            else:
                parts.append(block(dims[1:], indent + "  "))
        if len(dims) == 1:
            return "[" + ", ".join(parts) + "]"
        inner = ",\n".join(indent + "  " + p for p in parts)
        return "[\n" + inner + "\n" + indent + "]"

    return block(list(t.shape), "  ")[0:]


def _head(t, count):
    from spec import codec
    data = t.backend.to_binary(t, count)
    return list(codec.decode(t.type, data, count=count))


def inspect(t, limit=DEFAULT_LIMIT) -> str:
    """The ``#Nx.Tensor<...>`` text of a tensor."""
    from nx_ref.template_backend import TemplateBackend
    header = f"{t.type}{_shape_text(t)}"
    if isinstance(t.backend, TemplateBackend):
        body = "Nx.TemplateBackend"
    else:
        body = _data_text(t, limit)
        body = "\n".join(("  " + line) if i == 0 else line for i, line in enumerate(body.split("\n")))
    return f"#Nx.Tensor<\n  {header}\n{body if body.startswith('  ') else '  ' + body}\n>"
