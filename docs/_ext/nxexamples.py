"""Executing doctest examples at build time, and turning docstrings into rst.

Every example on the site goes through :func:`run_examples`: each ``>>>``
statement is executed (with ``nx`` bound to ``nx_ref``), its *actual* output is
captured the way doctest prints it, and compared with the expectation written in
the source; a mismatch raises :class:`ExampleError`, which fails the build. The
page then shows the actual output, so nothing on the site was typed by hand.

:func:`docstring_rst` renders a docstring (prose + examples) as rst: the prose
passes through (Python-domain roles become literals, since the site documents
the spec rather than every Python object), the examples become ``pycon`` blocks
holding what the build printed.
"""

from __future__ import annotations

import doctest
import inspect
import io
import itertools
import linecache
import re
import sys
import traceback

__all__ = ["ExampleError", "Ran", "run_examples", "docstring_rst", "pycon_block",
           "literal_roles", "namespace", "parse"]

_COUNTER = itertools.count()
_FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
_ROLE = re.compile(r":(?:py:)?(?:mod|class|func|meth|data|attr|exc|obj|const):`~?([^`<]*?)(?:\s*<([^>]*)>)?`")


class ExampleError(Exception):
    """An example's output differs from the expectation written next to it."""


class Ran:
    """One executed example: its source, what it printed, what it expected."""

    def __init__(self, source, got, want):
        self.source, self.got, self.want = source, got, want

    def __repr__(self):
        return f"Ran({self.source!r}, got={self.got!r})"


def namespace() -> dict:
    """A fresh namespace for a page's examples: ``nx`` is ``nx_ref``."""
    import nx_ref
    return {"nx": nx_ref, "__name__": "__docs__"}


def parse(text: str, name: str = "docs"):
    """The docstring split into prose strings and :class:`doctest.Example` objects."""
    return doctest.DocTestParser().parse(inspect.cleandoc(text) if text else "", name)


def _exception_text(exc) -> str:
    """The line doctest compares for an exception: ``module.Class: message``."""
    return traceback.format_exception_only(type(exc), exc)[-1]


def _execute(example, ns, name):
    """Run one example; return (printed output, exception text or None)."""
    out = io.StringIO()
    saved_out, saved_hook = sys.stdout, sys.displayhook

    def hook(value):
        if value is not None:
            ns["_"] = value
            out.write(repr(value) + "\n")

    sys.stdout, sys.displayhook = out, hook
    try:
        # the defn rewrite reads the source of functions through linecache
        filename = f"<nx-example {name} #{next(_COUNTER)}>"
        linecache.cache[filename] = (len(example.source), None,
                                     example.source.splitlines(True), filename)
        code = compile(example.source, filename, "single")
        exec(code, ns)
        return out.getvalue(), None
    except Exception as e:  # the example may be an error case: compared below
        return out.getvalue(), _exception_text(e)
    finally:
        sys.stdout, sys.displayhook = saved_out, saved_hook


def run_examples(text: str, name: str, ns: dict | None = None) -> list:
    """Execute the examples of ``text`` in order; a list of prose strings and
    :class:`Ran` records. Raises :class:`ExampleError` on any mismatch.

    >>> parts = run_examples('''Adds.
    ...
    ... >>> 1 + 1
    ... 2
    ... ''', "demo")
    >>> parts[1]
    Ran('1 + 1\\n', got='2\\n')
    """
    ns = namespace() if ns is None else ns
    checker = doctest.OutputChecker()
    parts = []
    for piece in parse(text, name):
        if isinstance(piece, str):
            parts.append(piece)
            continue
        got, exc = _execute(piece, ns, name)
        if exc is not None:
            ok = piece.exc_msg is not None and checker.check_output(piece.exc_msg, exc, _FLAGS)
            got = got + "Traceback (most recent call last):\n...\n" + exc
        else:
            ok = piece.exc_msg is None and checker.check_output(piece.want, got, _FLAGS)
        if not ok:
            raise ExampleError(
                f"{name}: example\n>>> {piece.source.rstrip()}\nexpected:\n"
                f"{(piece.want or '').rstrip()}\ngot:\n{got.rstrip()}")
        parts.append(Ran(piece.source, got, piece.want))
    return parts


def literal_roles(text: str) -> str:
    """Python-domain roles as literals (the site has no autodoc targets for them).

    >>> literal_roles("see :func:`spec.types.merge` and :class:`~nx_ref.tensor.Tensor`")
    'see ``spec.types.merge`` and ``Tensor``'
    """
    def sub(m):
        whole = m.group(0)
        target = (m.group(2) or m.group(1)).strip()
        shown = target.rsplit(".", 1)[-1] if ":`~" in whole or "`~" in whole else target
        return f"``{shown}``"
    return _ROLE.sub(sub, text)


def _indent(text: str, spaces: int = 3) -> str:
    pad = " " * spaces
    return "\n".join(pad + line if line.strip() else "" for line in text.splitlines())


def pycon_block(runs) -> str:
    """A ``pycon`` code block holding executed examples and their actual output."""
    lines = []
    for r in runs:
        src = r.source.rstrip("\n").split("\n")
        lines.append(">>> " + src[0])
        lines.extend("... " + s for s in src[1:])
        if r.got:
            lines.extend(r.got.rstrip("\n").split("\n"))
    return ".. code-block:: pycon\n\n" + _indent("\n".join(lines)) + "\n"


def docstring_rst(text: str, name: str, ns: dict | None = None, skip_summary: bool = False) -> str:
    """A docstring as rst: prose with roles made literal, runs of examples as
    executed ``pycon`` blocks."""
    parts = run_examples(text, name, ns)
    out, runs = [], []
    for p in parts:
        if isinstance(p, Ran):
            runs.append(p)
            continue
        if runs and not p.strip():
            continue
        if runs:
            out.append(pycon_block(runs))
            runs = []
        out.append(literal_roles(p))
    if runs:
        out.append(pycon_block(runs))
    text = "\n".join(x.strip("\n") + "\n" for x in out if x.strip())
    if skip_summary:
        text = text.split("\n\n", 1)[1] if "\n\n" in text else ""
    return text
