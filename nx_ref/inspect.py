"""Nx's printed form of a tensor (``repr``), as ``#Nx.Tensor<...>``.

The header is the type and the shape with the axis names (``s32[x: 2][3]``);
the data follows, nested lists indented by two spaces, at most ``limit``
elements (50 by default, Elixir's inspect limit), the rest elided with ``...``
at the level where the limit ran out. The data part comes from the backend's
``inspect`` (templates print ``Nx.TemplateBackend``).

Floats print as Nx prints them: the shortest decimal that reads back as the
same value of the tensor's own type (the closest one when several are as
short), as Ryu computes it; then Erlang's placement rule chooses between plain
notation (``100.0``, ``0.001``) and scientific notation (``1.0e4``, ``9.77e-4``),
whichever is shorter. Two details differ by type, as in Nx: f64 values go
through Elixir's ``Float.to_string``, which writes a one-digit mantissa as
``1.0e-128`` and uses scientific notation from 2**53 up, while the smaller
types go through Nx's own Ryu, which writes ``6e-5``. NaN and infinities print
as ``NaN``, ``Inf`` and ``-Inf``; complex numbers as ``1.0+2.0i``.

>>> import nx_ref as nx
>>> print(inspect(nx.tensor([[1, 2], [3, 4]], names=["x", None])))
#Nx.Tensor<
  s32[x: 2][2]
  [
    [1, 2],
    [3, 4]
  ]
>
>>> format_float(0.1, "f32"), format_float(1e20, "f64"), format_float(6.103515625e-05, "f8")
('0.1', '1.0e20', '6e-5')
"""

from __future__ import annotations

import math

from spec import codec, types, values

__all__ = ["inspect", "data_text", "format_float", "format_value", "shortest_digits",
           "DEFAULT_LIMIT"]

DEFAULT_LIMIT = 50


# -- the shortest decimal of a float of a given format --------------------------

def _decompose(x: float, exp_bits: int, man_bits: int) -> tuple[int, int, bool]:
    """(m, q, narrow_below): abs(x) == m * 2**q with m an integer of at most
    man_bits + 1 bits; narrow_below when the gap to the next smaller value is
    half the gap to the next larger one (x a power of two above the subnormals)."""
    emin = 2 - (1 << (exp_bits - 1))          # exponent of the smallest normal
    _, e = math.frexp(abs(x))                  # abs(x) = f * 2**e, 0.5 <= f < 1
    lead = max(e - 1, emin)
    q = lead - man_bits
    m = int(math.ldexp(abs(x), -q))
    return m, q, m == 1 << man_bits and lead > emin


def shortest_digits(x: float, type_name: str) -> tuple[str, int]:
    """(digits, place) with ``abs(x) == int(digits) * 10**place`` read back in the
    type: the fewest significant digits that round to ``x`` in ``type_name`` (a
    real float type), and among those the decimal closest to ``x``. ``x`` must be
    finite and non-zero.

    >>> shortest_digits(0.1, "f64"), shortest_digits(0.10000000149011612, "f32")
    (('1', -1), ('1', -1))
    >>> shortest_digits(6.103515625e-05, "f16")
    ('6104', -8)
    """
    exp_bits, man_bits = types.FLOAT_FORMATS[type_name]
    m, q, narrow = _decompose(x, exp_bits, man_bits)
    # the values reading back as x lie within half a gap of it on either side:
    # [4m - 2, 4m + 2] in units of 2**(q - 2), [4m - 1, ...] below a power of two
    num, lo, hi = 4 * m, 4 * m - (1 if narrow else 2), 4 * m + 2
    shift = q - 2
    if shift >= 0:
        num, lo, hi, den = num << shift, lo << shift, hi << shift, 1
    else:
        den = 1 << -shift
    inclusive = m % 2 == 0           # a tie reads back as the even mantissa
    k = len(str(hi // den)) if hi >= den else 1 - len(str(den // hi))
    while True:
        # the multiples c * 10**k of [lo / den, hi / den]: c * num_k == value * den_k
        num_k, den_k = (den * 10 ** k, 1) if k >= 0 else (den, 10 ** -k)
        c_min = -((-lo * den_k) // num_k)
        c_max = (hi * den_k) // num_k
        if not inclusive:
            c_min += c_min * num_k == lo * den_k
            c_max -= c_max * num_k == hi * den_k
        if c_min <= c_max:
            break
        k -= 1
    c, r = divmod(num * den_k, num_k)
    if 2 * r > num_k or (2 * r == num_k and c % 2):
        c += 1
    c = min(max(c, c_min), c_max)
    return str(c), k


def _place(digits: str, place: int, erlang: bool, large: bool) -> str:
    """Erlang's choice between plain and scientific notation, whichever is shorter."""
    n = len(digits)
    exp = place + n - 1
    exp_text = str(exp)
    cost = len(exp_text) + 2
    if place < 0:
        if exp >= 0:
            return f"{digits[:n + place]}.{digits[n + place:]}"
        if 2 - place - n <= cost:
            return "0." + "0" * (-place - n) + digits
    elif cost + (n == 1) >= place + 2 and not large:
        return digits + "0" * place + ".0"
    if n == 1:
        return f"{digits}.0e{exp_text}" if erlang else f"{digits}e{exp_text}"
    return f"{digits[0]}.{digits[1:]}e{exp_text}"


def _repr_digits(x: float) -> tuple[str, int]:
    """Python's repr of a double is its shortest closest decimal too: read it back."""
    mantissa, _, exponent = repr(abs(x)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    place = int(exponent or 0) - len(fraction)
    stripped = digits.rstrip("0")
    return stripped, place + len(digits) - len(stripped)


def format_float(x: float, type_name: str) -> str:
    """One value of a real float type (or f32/f64 for complex parts) as Nx prints it.

    >>> [format_float(v, "f32") for v in (1e4, 123450.0, 1234500.0, 0.001, 0.0001)]
    ['1e4', '123450.0', '1.2345e6', '0.001', '1e-4']
    >>> [format_float(v, "f64") for v in (1e4, 0.0001, 2.0 ** 53)]
    ['1.0e4', '1.0e-4', '9.007199254740992e15']
    >>> format_float(9.765625e-04, "f16"), format_float(448.0, "f8_e4m3fn")
    ('9.77e-4', '450.0')
    """
    if x != x:
        return "NaN"
    if math.isinf(x):
        return "Inf" if x > 0 else "-Inf"
    if x == 0:
        return "-0.0" if math.copysign(1.0, x) < 0 else "0.0"
    if type_name == "f64":
        digits, place = _repr_digits(x)
        text = _place(digits, place, True, abs(x) >= 2.0 ** 53)
    else:
        x = values.round_float(type_name, x)     # the value the type holds
        if x == 0 or math.isinf(x):
            return format_float(x, "f64")
        digits, place = shortest_digits(x, type_name)
        text = _place(digits, place, False, False)
    return "-" + text if x < 0 else text


def format_value(v, type_) -> str:
    """One element of a tensor of ``type_`` as Nx prints it.

    >>> format_value(complex(1, -2), types.normalize("c64")), format_value(-3, types.normalize("s8"))
    ('1.0-2.0i', '-3')
    """
    if type_.is_integer:
        return str(v)
    if type_.is_complex:
        part = "f32" if type_.bits == 64 else "f64"
        re, im = format_float(v.real, part), format_float(v.imag, part)
        return f"{re}{im if im.startswith('-') else '+' + im}i"
    return format_float(v, type_.name)


# -- layout --------------------------------------------------------------------

def _layout(shape, items, limit):
    """Nested lists of ``items`` (row-major strings), ``limit`` items at most."""
    left = [len(items) if limit is None else limit]
    pos = [0]

    def block(dims):
        parts = []
        for _ in range(dims[0]):
            if left[0] == 0:
                parts.append("...")
                break
            if len(dims) == 1:
                parts.append(items[pos[0]])
                pos[0] += 1
                left[0] -= 1
            else:
                parts.append(block(dims[1:]))
        if len(dims) == 1 or not parts:
            return "[" + ", ".join(parts) + "]"
        inner = ",\n  ".join(part.replace("\n", "\n  ") for part in parts)
        return "[\n  " + inner + "\n]"

    return block(list(shape))


def data_text(tensor, limit=DEFAULT_LIMIT) -> str:
    """The data part of the printed form, read through the tensor's backend
    (the first ``limit`` elements only)."""
    size = tensor.size
    count = size if limit is None else min(size, max(limit, 1))
    data = tensor.backend.to_binary(tensor, count if count < size else None)
    items = [format_value(v, tensor.type) for v in list(codec.decode(tensor.type, data, count=count))[:count]]
    if not tensor.shape:
        return items[0]
    return _layout(tensor.shape, items, limit)


def _header(tensor) -> str:
    dims = "".join(f"[{n}: {d}]" if n is not None else f"[{d}]"
                   for d, n in zip(tensor.shape, tensor.names))
    return f"{tensor.type}{dims}"


def inspect(tensor, limit=DEFAULT_LIMIT) -> str:
    """The ``#Nx.Tensor<...>`` text of a tensor; ``limit=None`` prints every element.

    >>> import nx_ref as nx
    >>> print(inspect(nx.tensor([[1, 2], [3, 4], [5, 6]]), limit=3))
    #Nx.Tensor<
      s32[3][2]
      [
        [1, 2],
        [3, ...],
        ...
      ]
    >
    """
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise ValueError(f"limit must be a non-negative integer or None, got: {limit!r}")
    body = tensor.backend.inspect(tensor, limit)
    body = "\n".join("  " + line for line in body.split("\n"))
    return f"#Nx.Tensor<\n  {_header(tensor)}\n{body}\n>"

