"""Backends: the default backend (get, set, context manager, per thread), picking the
backend of mixed inputs, copying and transferring, templates, and a third-party
backend receiving the precomputed ``out``."""

import contextvars
import threading

import pytest

import nx_ref as nx
from nx_ref.backend import Backend, IncompatibleBackendsError, pick_backend
from nx_ref.template_backend import TemplateBackend
from spec.errors import ArgumentError
from spec import registry
from spec.registry import TensorSpec


class Recording(nx.ReferenceBackend):
    """A third-party backend: the reference one, recording every callback it gets."""

    priority = 1

    def __init__(self):
        self.calls = []

    def __eq__(self, other):
        return type(self) is type(other)

    __hash__ = Backend.__hash__

    def __getattribute__(self, name):
        attr = super().__getattribute__(name)
        if name in registry.all_ops() and callable(attr):
            calls = super().__getattribute__("calls")

            def record(out, *args, **opts):
                calls.append((name, out, args, opts))
                return attr(out, *args, **opts)
            return record
        return attr


class Plain(nx.ReferenceBackend):
    """Another backend with the default priority, unrelated to Recording."""

    priority = 1


# -- the default backend -------------------------------------------------------------------

def test_default_backend_get_set_and_restore():
    assert nx.default_backend() == nx.ReferenceBackend()
    mine = Recording()
    previous = nx.default_backend(mine)
    try:
        assert previous == nx.ReferenceBackend() and repr(previous) == "ReferenceBackend()"
        assert nx.default_backend() is mine
        assert nx.tensor([1, 2]).backend is mine
        assert nx.iota((2,)).backend is mine
    finally:
        nx.default_backend(previous)
    assert nx.default_backend() == nx.ReferenceBackend()


def test_default_backend_as_a_context_manager_restores_even_on_errors():
    with nx.default_backend(Plain) as b:
        assert isinstance(b, Plain) and isinstance(nx.tensor(1).backend, Plain)
        with nx.default_backend(Recording()):
            assert isinstance(nx.default_backend(), Recording)
        assert nx.default_backend() is b
    assert type(nx.default_backend()) is nx.ReferenceBackend
    with pytest.raises(ZeroDivisionError):
        with nx.default_backend(Plain):
            1 / 0
    assert type(nx.default_backend()) is nx.ReferenceBackend


def test_with_default_backend_restores_on_exceptions():
    assert isinstance(nx.with_default_backend(Plain, lambda: nx.tensor(1).backend), Plain)

    def boom():
        raise KeyError("x")

    with pytest.raises(KeyError):
        nx.with_default_backend(Plain, boom)
    assert type(nx.default_backend()) is nx.ReferenceBackend


def test_the_default_belongs_to_the_thread_and_falls_back_to_the_global_one():
    seen = {}

    def worker():
        seen["before"] = nx.default_backend()
        nx.default_backend(Recording())
        seen["after"] = nx.default_backend()

    with nx.default_backend(Plain):
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        assert isinstance(nx.default_backend(), Plain)     # the worker's choice stayed there
    assert type(seen["before"]) is nx.ReferenceBackend and isinstance(seen["after"], Recording)

    previous = nx.global_default_backend(Plain)
    try:
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        assert isinstance(seen["before"], Plain)
        # a context that never chose a default sees the global one
        assert isinstance(contextvars.Context().run(nx.default_backend), Plain)
    finally:
        nx.global_default_backend(previous)
    assert type(contextvars.Context().run(nx.default_backend)) is nx.ReferenceBackend


def test_backends_are_given_as_instances_classes_or_class_and_options():
    class Configured(nx.ReferenceBackend):
        def __init__(self, device="cpu"):
            self.device = device

    with nx.default_backend((Configured, {"device": "gpu"})) as b:
        assert b.device == "gpu" and nx.tensor(1).backend.device == "gpu"
    with pytest.raises(ArgumentError, match="backend must be a Backend subclass"):
        nx.default_backend("reference")
    with pytest.raises(ArgumentError):
        nx.default_backend((Configured, ["gpu"]))


# -- picking the backend of mixed inputs --------------------------------------------------

def test_the_reference_backend_gives_way_and_the_other_receives_out():
    rec = Recording()
    a = nx.tensor([1, 2, 3], names=["x"], backend=rec)
    b = nx.tensor([10, 20, 30], type="u8")            # on the reference backend
    rec.calls.clear()
    result = nx.add(b, a)
    name, out, args, opts = rec.calls[-1]
    assert result.backend is rec and result.to_list() == [11, 22, 33]
    assert name == "add"
    assert out == TensorSpec(nx.types.normalize("s32"), (3,), ("x",))
    assert [t.backend for t in args] == [rec, rec]    # b was copied over first
    rec.calls.clear()
    nx.sum(a, axes=["x"], keep_axes=True)
    name, out, args, opts = rec.calls[-1]
    assert name == "sum" and opts == {"axes": (0,), "keep_axes": True}
    assert out.shape == (1,) and out.names == ("x",)


def test_numbers_become_constants_on_the_chosen_backend():
    rec = Recording()
    a = nx.tensor([1.0], backend=rec)
    rec.calls.clear()
    nx.multiply(a, 2)
    assert [c[0] for c in rec.calls] == ["constant", "multiply"]
    assert rec.calls[0][1] == TensorSpec(nx.types.normalize("f32"), (), ())
    assert nx.multiply(a, 2).backend is rec


def test_unrelated_backends_of_equal_priority_are_incompatible():
    a = nx.tensor([1], backend=Recording())
    b = nx.tensor([1], backend=Plain())
    with pytest.raises(IncompatibleBackendsError) as e:
        nx.add(a, b)
    assert str(e.value) == (
        "cannot invoke nx function because it relies on two incompatible tensor implementations: "
        "Recording() and Plain(). You may need to call nx.backend_transfer (or nx.backend_copy) "
        "on one or both of them to transfer them to a common implementation")
    assert isinstance(e.value, ArgumentError)
    assert nx.add(a, nx.backend_transfer(b, a.backend)).backend == a.backend


def test_priority_and_subclasses():
    class Faster(Plain):
        pass

    class Top(nx.ReferenceBackend):
        priority = 5

    ref, plain, faster, top = (nx.tensor([1], backend=b) for b in
                               (nx.ReferenceBackend(), Plain(), Faster(), Top()))
    assert type(pick_backend([ref, plain])) is Plain
    assert type(pick_backend([plain, faster])) is Faster     # the derived backend wins
    assert type(pick_backend([faster, plain, ref])) is Faster
    assert type(pick_backend([plain, top, ref])) is Top
    assert type(pick_backend([])) is nx.ReferenceBackend
    with nx.default_backend(Plain):
        assert type(pick_backend([])) is Plain


# -- copy and transfer -----------------------------------------------------------------------

def test_backend_copy_and_transfer():
    rec = Recording()
    t = nx.tensor([[1, 2]], names=["x", "y"], type="u4")
    copy = nx.backend_copy(t, rec)
    assert copy.backend is rec and copy.names == ("x", "y") and copy.to_list() == [[1, 2]]
    assert t.to_list() == [[1, 2]]                             # the source keeps its data
    back = nx.backend_transfer(copy)                           # default: the reference backend
    assert type(back.backend) is nx.ReferenceBackend and back.type == "u4"
    with nx.default_backend(Plain):                            # the default backend is not used
        assert type(nx.backend_copy(copy).backend) is nx.ReferenceBackend


def test_backend_copy_of_containers_and_numbers():
    got = nx.backend_copy({"a": (nx.tensor([1]), [nx.tensor(2.5)]), "b": 3}, Plain)
    assert isinstance(got["a"], tuple) and isinstance(got["a"][1], list)
    assert all(isinstance(t.backend, Plain) for t in (got["a"][0], got["a"][1][0], got["b"]))
    assert got["b"].to_list() == 3
    with pytest.raises(Exception, match="expected a tensor or a number"):
        nx.backend_copy("x")


# -- templates and missing primitives ---------------------------------------------------------

def test_templates_refuse_every_operation():
    t = nx.template((2,), "f32")
    assert isinstance(t.backend, TemplateBackend)
    for call in (lambda: nx.exp(t), lambda: nx.add(t, 1), lambda: nx.add(nx.tensor([1.0, 2.0]), t),
                 lambda: nx.sum(t), lambda: t.to_list(), lambda: nx.to_binary(t),
                 lambda: nx.backend_copy(t)):
        with pytest.raises(ArgumentError, match="cannot perform operations on a Nx.TemplateBackend tensor"):
            call()
    with pytest.raises(IncompatibleBackendsError):
        nx.add(t, nx.tensor([1.0, 2.0], backend=Plain()))


def test_a_backend_missing_a_primitive_says_which():
    class Empty(Backend):
        def from_values(self, out, vals):
            return nx.Tensor.from_spec(out, list(vals), self)

    t = nx.tensor([1.0], backend=Empty())
    with pytest.raises(NotImplementedError, match="Empty does not implement the primitive 'exp'"):
        nx.exp(t)
