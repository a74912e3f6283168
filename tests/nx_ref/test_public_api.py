"""Every public function of nx_ref carries a docstring with an example (the
examples themselves run as doctests or in tests/spec/test_examples.py)."""

import inspect

import nx_ref
from spec import types as spec_types


def _public_callables(module, names):
    for name in names:
        obj = getattr(module, name)
        if inspect.isfunction(obj) or inspect.isbuiltin(obj) or hasattr(obj, "op"):
            yield name, obj


def test_every_public_function_has_an_example():
    functions = dict(_public_callables(nx_ref, nx_ref.__all__))
    assert len(functions) > 150, "the public API should list its functions in __all__"
    missing = [name for name, fn in functions.items() if ">>>" not in (fn.__doc__ or "")]
    assert not missing, f"public functions without an executed example: {missing}"


def test_every_constant_and_type_function_has_an_example():
    for module in (nx_ref.constants, spec_types):
        missing = [name for name, fn in _public_callables(module, module.__all__)
                   if ">>>" not in (fn.__doc__ or "")]
        assert not missing, f"{module.__name__}: functions without an example: {missing}"
