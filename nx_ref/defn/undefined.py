"""The value of a variable that a traced ``if`` or loop leaves without one.

Python decides at run time which branch of an ``if`` runs; a traced ``if``
(one whose test is a tensor being traced) runs both branches into an
``nx.cond``. A variable assigned in only one of them has no value afterwards,
and neither has a variable first assigned inside a traced loop. Such a
variable holds an :class:`Undefined`: every use of it (an attribute, an
operator, ``bool``, ``len``, indexing, calling) raises
:class:`UndefinedVariableError`, naming the variable and the line of the
construct that left it without a value; ``nx.*`` functions reject it as a
non-tensor argument, and its ``repr`` (which their message shows) says the same.

>>> y = Undefined("y", "is assigned only in one branch of the if", ("f.py", 12))
>>> y
<undefined variable 'y': assigned only in one branch of the if at f.py:12>
>>> y + 1
Traceback (most recent call last):
...
nx_ref.defn.undefined.UndefinedVariableError: variable 'y' is assigned only in one branch
of the if at f.py:12, so it has no value after it

The lead's ``cond`` treats instances as unset leaves: they never become graph
nodes. :data:`UNBOUND` is the one marker the rewritten code passes for a
variable that is not assigned yet at all (Python would raise
``UnboundLocalError`` on reading it, and the rewritten code deletes the name
again so that it still does).
"""

from __future__ import annotations

from spec.errors import ArgumentError

__all__ = ["Undefined", "UndefinedVariableError", "UNBOUND", "location"]


class UndefinedVariableError(ArgumentError, NameError):
    """A variable without a value was used (a ``NameError``, as Python's own
    ``UnboundLocalError``, and an ``ArgumentError`` as every nx error)."""


def location(where) -> str:
    """``file:line`` from a ``(filename, line)`` pair.

    >>> location(("f.py", 3))
    'f.py:3'
    """
    filename, line = where
    return f"{filename}:{line}"


class Undefined:
    """The marker for variable ``name`` that has no value; ``reason`` says why
    (a phrase such as "is assigned only in one branch of the if") and
    ``where`` is the ``(filename, line)`` of that construct."""

    __slots__ = ("name", "reason", "where")

    def __init__(self, name, reason, where):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "reason", reason)
        object.__setattr__(self, "where", where)

    def message(self) -> str:
        """The error message for any use of this variable."""
        at = f" at {location(self.where)}" if self.where else ""
        return f"variable {self.name!r} {self.reason}{at}, so it has no value after it"

    def error(self, *_args, **_kwargs):
        raise UndefinedVariableError(self.message())

    def __repr__(self):
        at = f" at {location(self.where)}" if self.where else ""
        return f"<undefined variable {self.name!r}: {self.reason.removeprefix('is ')}{at}>"

    __str__ = __repr__

    def __getattr__(self, attr):
        # probes for protocols (hasattr(y, "__array_interface__")) answer "no",
        # as for any object; every other attribute is a use of the variable
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        self.error()

    def __setattr__(self, attr, value):
        self.error()

    # identity hashing stays, so markers can be kept in sets and dict keys
    __hash__ = object.__hash__


def _install_raising_dunders():
    """Every operator and conversion of an Undefined raises its message."""
    names = """add radd sub rsub mul rmul matmul rmatmul truediv rtruediv floordiv
        rfloordiv mod rmod divmod rdivmod pow rpow lshift rlshift rshift rrshift and rand
        or ror xor rxor neg pos abs invert lt le gt ge eq ne bool len iter contains
        getitem setitem delitem call int float complex index round trunc floor ceil
        array iadd isub imul itruediv ifloordiv imod ipow imatmul iand ior ixor
        ilshift irshift reversed""".split()

    def raising(self, *args, **kwargs):
        self.error()

    for name in names:
        setattr(Undefined, f"__{name}__", raising)


_install_raising_dunders()


class _Unbound(Undefined):
    __slots__ = ()

    def __repr__(self):
        return "<unbound>"

    __str__ = __repr__

    def message(self):
        return "a variable is used before it is assigned"


UNBOUND = _Unbound(None, "is not assigned yet", None)
"""The marker passed for a variable that is not assigned yet."""
