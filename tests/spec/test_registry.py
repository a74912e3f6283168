"""The name is the key: the registry, the nx.* functions, the Backend protocol and
the ReferenceBackend name the same ops, and every declaration is complete."""

import inspect

import pytest

import nx_ref
from nx_ref import api
from nx_ref.backend import Backend, Composite, Primitive
from spec import registry, types

OPS = registry.all_ops()

# Ops whose frontend is hand-written in nx_ref/api.py (creation and conversion)
# rather than bound generically; they are still functions named after the op.
FRONTEND_ONLY = {"tensor", "constant", "from_binary", "to_binary", "template"}


# Ops of these families live in a namespace of their own (nx.linalg), not at the top level.
NAMESPACES = {"linalg": nx_ref.linalg}


def test_every_op_has_an_nx_function():
    for name, op in OPS.items():
        ns = NAMESPACES.get(op.family, nx_ref)
        fn = getattr(ns, name, None)
        assert callable(fn), f"{ns.__name__}.{name} is missing"
        assert getattr(fn, "op", None) is op, f"{ns.__name__}.{name} is not bound to its spec op"
        assert name in ns.__all__, f"{name} is not in {ns.__name__}.__all__"


def test_bound_functions_are_registry_ops():
    bound = {name for name in api.__all__ if hasattr(getattr(api, name), "op")}
    for ns in NAMESPACES.values():
        bound |= {name for name in ns.__all__ if hasattr(getattr(ns, name), "op")}
    assert bound == set(OPS)


def test_all_lists_exactly_the_public_names():
    for name in nx_ref.__all__:
        assert hasattr(nx_ref, name), f"nx_ref.__all__ names {name!r}, which does not exist"
    assert len(set(nx_ref.__all__)) == len(nx_ref.__all__), "duplicates in nx_ref.__all__"
    assert set(api.__all__) <= set(nx_ref.__all__)


def _protocol_entry(name):
    return inspect.getattr_static(Backend, name, None)


@pytest.mark.parametrize("name", sorted(n for n in OPS if n not in FRONTEND_ONLY))
def test_backend_protocol_lists_the_op(name):
    op = OPS[name]
    entry = _protocol_entry(name)
    if op.is_primitive:
        assert isinstance(entry, Primitive), f"Backend.{name} must be a Primitive()"
        impl = inspect.getattr_static(nx_ref.ReferenceBackend, name)
        assert not isinstance(impl, Primitive), f"ReferenceBackend does not implement {name}"
    else:
        assert isinstance(entry, Composite), f"Backend.{name} must be a Composite()"


def test_protocol_has_no_stray_entries():
    entries = {n for n, v in vars(Backend).items() if isinstance(v, (Primitive, Composite))}
    assert entries == set(OPS) - FRONTEND_ONLY


@pytest.mark.parametrize("name", sorted(OPS))
def test_declaration_is_complete(name):
    op = OPS[name]
    assert op.doc.strip(), f"{name}: no documentation"
    assert ">>>" in op.doc, f"{name}: no executed example"
    assert callable(op.infer)
    if op.family in ("elementwise", "reduction"):
        assert op.semantics is not None or op.composite is not None, f"{name}: no semantics"
        float_out = [t for t in op.accepts if t.is_floating]
        if float_out and op.differentiable:
            assert op.tolerance, f"{name}: accepts floats but declares no tolerance"
        if op.differentiable:
            assert op.grad is not None or op.composite is not None, f"{name}: no gradient rule"
    for p in op.params:
        assert p.kind in ("tensor", "tensors", "static", "option")


def test_tolerances_name_real_types():
    names = {t.name for t in types.ALL_TYPES}
    for name, op in OPS.items():
        assert set(op.tolerance) <= names, f"{name}: tolerance for unknown types {set(op.tolerance) - names}"
