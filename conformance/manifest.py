"""What a backend says about itself, and what its author expects: capability
manifests, expectations files and the preflight.

*Manifest*: a backend may declare ``conformance_manifest = {"ops": [...], "types":
[...]}`` (either key may be left out: everything), or a method
``conformance_manifest(op, type) -> bool``. Cells outside it are reported as
"unsupported" without being run.

*Expectations*: known failures, keyed by (op, type, check), in a file the author
owns: JSON (a list of ``{"op": ..., "type": ..., "check": ...}`` or of
``[op, type, check]``) or plain text, one ``op type check`` per line (``*``
matches anything, ``#`` starts a comment). A failing cell listed there is an
"expected failure"; a passing one an "unexpected pass".

*Preflight*: before any op is checked, the foundations every check relies on
(``from_binary``, ``to_binary``, ``constant``, the types of the tensors made,
in every selected type; then the backend as the default backend) are tried; :func:`preflight` returns one message
describing the first thing that is broken, or None.

>>> parse_expectations("exp f32 values  # known\\nadd * types")
[('exp', 'f32', 'values'), ('add', '*', 'types')]
>>> expected(("add", "s8", "types"), parse_expectations("add * types"))
True
"""

from __future__ import annotations

import json

from spec import codec, types
from spec.registry import TensorSpec

__all__ = ["supported", "parse_expectations", "load_expectations", "expected", "apply_expectations",
           "preflight"]


def supported(backend, op: str, type_: str) -> bool:
    """Whether ``backend``'s manifest (if any) covers ``op`` in ``type_``."""
    manifest = getattr(backend, "conformance_manifest", None)
    if manifest is None:
        return True
    if callable(manifest):
        return bool(manifest(op, type_))
    ops, tys = manifest.get("ops"), manifest.get("types")
    if ops is not None and op not in ops:
        return False
    return tys is None or type_ == "-" or type_ in tys


def parse_expectations(text: str) -> list:
    """Expectations from JSON or the one-per-line text format (module docstring)."""
    stripped = text.strip()
    if stripped.startswith(("[", "{")):
        data = json.loads(stripped)
        if isinstance(data, dict):
            data = data.get("expectations", [])
        return [(e["op"], e.get("type", "*"), e.get("check", "*")) if isinstance(e, dict)
                else tuple(e) for e in data]
    out = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].split()
        if not line:
            continue
        if len(line) != 3:
            raise ValueError(f"expectations: expected 'op type check', got: {' '.join(line)!r}")
        out.append(tuple(line))
    return out


def load_expectations(path) -> list:
    with open(path, encoding="utf-8") as f:
        return parse_expectations(f.read())


def expected(key, expectations) -> bool:
    """Whether the cell ``(op, type, check)`` is listed (``*`` matching anything)."""
    return any(all(e == "*" or e == k for e, k in zip(entry, key)) for entry in expectations)


def apply_expectations(result, expectations):
    """Turn a listed cell's "fail" into "expected failure", "pass" into "unexpected pass"."""
    if expectations and expected((result.op, result.type, result.check), expectations):
        if result.status == "fail":
            result.status = "expected failure"
        elif result.status == "pass":
            result.status = "unexpected pass"
    return result


def _sample(t):
    if t.is_integer:
        return [0, 1, types.max_finite(t)]
    if t.is_complex:
        return [complex(1, -2), complex(0.5, 0)]
    return [1.0, -2.0, 0.5]


def preflight(backend, type_names=None):
    """None when ``backend`` can make tensors, read them back and keeps their types;
    else one message naming the first foundation that failed.

    >>> import nx_ref as nx
    >>> preflight(nx.ReferenceBackend()) is None
    True
    """
    for t in types.ALL_TYPES:
        if type_names is not None and str(t) not in type_names:
            continue
        data = bytes(codec.encode(t, _sample(t)))
        spec = TensorSpec(t, (3,) if not t.is_complex else (2,), (None,))
        step = "from_binary"
        try:
            x = backend.from_binary(spec, data)
            step = "the type of the tensor from from_binary"
            if str(x.type) != str(t) or tuple(x.shape) != spec.shape:
                return (f"preflight: {type(backend).__name__}.from_binary made a {x.type}"
                        f"{list(x.shape)} tensor for a {t}{list(spec.shape)} spec")
            step = "to_binary"
            back = bytes(backend.to_binary(x))
            if back != data:
                return (f"preflight: {type(backend).__name__}.to_binary does not give back the "
                        f"bytes given to from_binary for {t}: {data.hex()} became {back.hex()}")
            step = "constant"
            c = backend.constant(TensorSpec(t, (2,), (None,)), 1)
            if str(c.type) != str(t) or bytes(backend.to_binary(c)) != bytes(codec.encode(t, [1, 1])):
                return f"preflight: {type(backend).__name__}.constant(1) in {t} is wrong"
        except NotImplementedError:
            continue  # an unsupported type: its cells will say so
        except Exception as e:  # noqa: BLE001  (any failure here is the message)
            return (f"preflight: {type(backend).__name__} failed at {step} for {t}: "
                    f"{type(e).__name__}: {str(e)[:200]}")
    return _as_default(backend)


def _as_default(backend):
    """The candidate as the default backend: nx.tensor allocates there and reads back."""
    import nx_ref as nx
    try:
        with nx.default_backend(backend):
            x = nx.tensor([1, 2, 3], type="s8")
            data = nx.to_binary(x)
        if data != bytes([1, 2, 3]):
            return (f"preflight: with {type(backend).__name__} as the default backend, "
                    f"nx.to_binary(nx.tensor([1, 2, 3], type=\"s8\")) gave {data!r}")
    except Exception as e:  # noqa: BLE001  (any failure here is the message)
        return (f"preflight: with {type(backend).__name__} as the default backend "
                f"(nx.default_backend(...)), nx.tensor([1, 2, 3], type=\"s8\") then nx.to_binary "
                f"failed: {type(e).__name__}: {str(e)[:200]}")
    return None
