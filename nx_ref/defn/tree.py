"""Containers of tensors: flattening them into leaves and rebuilding them.

A container is a tuple, a list, a dict, a namedtuple, or a dataclass registered
with :func:`container` (Nx's ``Nx.Container`` protocol), nested to any depth.
:func:`flatten` returns the leaves in a fixed order (dict keys sorted, as Nx
orders map keys) and a hashable *treedef* describing the structure;
:func:`unflatten` rebuilds the container from a treedef and new leaves.

Leaves are tensors, numbers and arrays; with ``static=True`` any other value is
kept inside the treedef as a static (hashable) value, the way ``jit`` treats the
non-tensor arguments of a function.

>>> leaves, tree = flatten({"b": (1, 2.0), "a": [3]})
>>> leaves
[3, 1, 2.0]
>>> unflatten(tree, ["x", "y", "z"])
{'a': ['x'], 'b': ('y', 'z')}
"""

from __future__ import annotations

import dataclasses

from spec.errors import ArgumentError, TypeError_

__all__ = ["container", "flatten", "unflatten", "is_leaf", "map_leaves", "describe"]

_NUMBER = (bool, int, float, complex)
_REGISTERED: dict = {}


def container(cls=None, *, keep=()):
    """Register a dataclass as a container (Nx's ``@derive {Nx.Container, ...}``):
    its fields are traversed as children, except the fields named in ``keep``,
    which are static values (part of the cache key of ``jit``, as Nx's ``:keep``).

    >>> import dataclasses
    >>> @container(keep=("activation",))
    ... @dataclasses.dataclass
    ... class Layer:
    ...     w: object
    ...     b: object
    ...     activation: str = "relu"
    >>> leaves, tree = flatten(Layer(1, 2))
    >>> leaves, unflatten(tree, [10, 20])
    ([1, 2], Layer(w=10, b=20, activation='relu'))
    """
    def register(klass):
        if not dataclasses.is_dataclass(klass):
            raise TypeError_(f"nx.container expects a dataclass, got {klass!r}")
        names = [f.name for f in dataclasses.fields(klass)]
        unknown = [k for k in keep if k not in names]
        if unknown:
            raise ArgumentError(f"nx.container: keep names unknown fields {unknown} of {klass.__name__}")
        _REGISTERED[klass] = (tuple(n for n in names if n not in keep), tuple(keep))
        return klass
    return register if cls is None else register(cls)


def is_leaf(value) -> bool:
    """Whether ``value`` is a leaf: a tensor, a number, or an array.

    >>> is_leaf(1.0), is_leaf((1,))
    (True, False)
    """
    global _LEAF_TYPES
    if _LEAF_TYPES is None:
        from nx_ref.tensor import Tensor
        _LEAF_TYPES = (Tensor,) + _NUMBER
    return isinstance(value, _LEAF_TYPES) or hasattr(value, "__array_interface__")


_LEAF_TYPES = None      # (Tensor, *_NUMBER), once nx_ref.tensor is importable


def _is_namedtuple(value):
    return isinstance(value, tuple) and hasattr(type(value), "_fields")


def flatten(value, static=False, leaf=None):
    """``(leaves, treedef)`` of a container (see the module docstring).
    ``leaf``, when given, is a predicate marking more values as leaves.

    >>> flatten((1, [2, 3]))[0]
    [1, 2, 3]
    >>> flatten((1, "relu"), static=True)[0]
    [1]
    """
    leaves = []
    tree = _flatten(value, leaves, static, leaf)
    return leaves, tree


def _flatten(value, leaves, static, leaf=None):
    if is_leaf(value) or (leaf is not None and leaf(value)):
        leaves.append(value)
        return ("leaf",)
    if _is_namedtuple(value):
        return ("namedtuple", type(value), tuple(_flatten(v, leaves, static, leaf) for v in value))
    if isinstance(value, tuple):
        return ("tuple", tuple(_flatten(v, leaves, static, leaf) for v in value))
    if isinstance(value, list):
        return ("list", tuple(_flatten(v, leaves, static, leaf) for v in value))
    if isinstance(value, dict):
        keys = _sorted_keys(value)
        return ("dict", keys, tuple(_flatten(value[k], leaves, static, leaf) for k in keys))
    cls = type(value)
    if cls in _REGISTERED:
        fields, keep = _REGISTERED[cls]
        kept = tuple(_static(getattr(value, k)) for k in keep)
        return ("dataclass", cls, fields, keep, kept,
                tuple(_flatten(getattr(value, f), leaves, static, leaf) for f in fields))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        raise TypeError_(
            f"dataclass {cls.__name__} is not registered as a container: decorate it with "
            f"@nx.container (naming static fields with keep=...) to pass it to or return it "
            f"from a defn")
    if static:
        return ("static", _static(value))
    raise TypeError_(
        f"expected a tensor, a number, or a container (tuple, list, dict, namedtuple, "
        f"registered dataclass) of them, got {cls.__name__}: {value!r:.80}")


def _sorted_keys(d):
    try:
        return tuple(sorted(d))
    except TypeError:
        return tuple(d)


def _static(value):
    try:
        hash(value)
    except TypeError:
        raise TypeError_(
            f"a static (non-tensor) argument must be hashable, got "
            f"{value.__class__.__name__}: {value!r:.80}") from None
    return value


def unflatten(tree, leaves):
    """Rebuild the container of ``tree`` with ``leaves`` in order.

    >>> leaves, tree = flatten([1, (2, 3)])
    >>> unflatten(tree, [4, 5, 6])
    [4, (5, 6)]
    """
    it = iter(leaves)
    out = _unflatten(tree, it)
    rest = list(it)
    if rest:
        raise ArgumentError(f"unflatten: {len(rest)} leaves left over")
    return out


def _unflatten(tree, it):
    kind = tree[0]
    if kind == "leaf":
        return next(it)
    if kind == "static":
        return tree[1]
    if kind == "tuple":
        return tuple(_unflatten(t, it) for t in tree[1])
    if kind == "list":
        return [_unflatten(t, it) for t in tree[1]]
    if kind == "namedtuple":
        return tree[1](*[_unflatten(t, it) for t in tree[2]])
    if kind == "dict":
        return {k: _unflatten(t, it) for k, t in zip(tree[1], tree[2])}
    _, cls, fields, keep, kept, children = tree
    values = {f: _unflatten(t, it) for f, t in zip(fields, children)}
    values.update(zip(keep, kept))
    return cls(**values)


def map_leaves(fun, value):
    """``value`` with ``fun`` applied to every leaf.

    >>> map_leaves(lambda x: x * 10, {"a": (1, 2)})
    {'a': (10, 20)}
    """
    leaves, tree = flatten(value)
    return unflatten(tree, [fun(x) for x in leaves])


def describe(tree) -> str:
    """A short description of a treedef's structure, for error messages.

    >>> describe(flatten((1, {"a": 2}))[1])
    '(tensor, {a: tensor})'
    """
    kind = tree[0]
    if kind == "leaf":
        return "tensor"
    if kind == "static":
        return repr(tree[1])
    if kind in ("tuple", "list"):
        inner = ", ".join(describe(t) for t in tree[1])
        return f"({inner}{',' if len(tree[1]) == 1 and kind == 'tuple' else ''})" \
            if kind == "tuple" else f"[{inner}]"
    if kind == "namedtuple":
        return f"{tree[1].__name__}({', '.join(describe(t) for t in tree[2])})"
    if kind == "dict":
        return "{" + ", ".join(f"{k}: {describe(t)}" for k, t in zip(tree[1], tree[2])) + "}"
    return f"{tree[1].__name__}({', '.join(f'{f}={describe(t)}' for f, t in zip(tree[2], tree[5]))})"
