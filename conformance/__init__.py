"""The conformance suite: checks any Backend (or defn compiler) against the spec,
op by op, type by type, check by check, with a minimal failing input for every
departure.

Running it::

    python -m conformance MODULE:OBJECT [--ops a,b] [--types f32,s8] [--tier smoke|standard|exhaustive]
        [--max-examples N] [--seed S] [--jobs N] [--json out.json] [--junit out.xml]
        [--report out.html] [--expectations known.txt] [--against MODULE:OBJECT]
    pytest -p conformance.plugin --nx-backend=MODULE:OBJECT --pyargs conformance

Everything is derived from the registry (:mod:`spec.registry`), so a newly
declared op is checked without touching this package.

How it is organised (one idea per module):

* :mod:`conformance.load` resolves ``MODULE:OBJECT`` into a candidate: a backend
  instance, or a compiler wrapped as :class:`~conformance.load.CompiledOps`.
* :mod:`conformance.calls`: a :class:`~conformance.calls.Call` is one call of
  one op as plain data (tensors as :class:`~conformance.calls.TensorArg`:
  values, type, shape, names, layout); it runs on any backend and prints as a
  reproduction snippet.
* :mod:`conformance.strategies` draws calls from an op's declaration (its
  params, ``accepts``, ``normalize`` and ``infer``).
* :mod:`conformance.compare` compares results: metadata exactly, values within
  the op's ULP tolerance, NaN- and -0.0-aware.
* :mod:`conformance.cases` holds the check kinds (values, special, types,
  names, shapes, errors, examples).
* :mod:`conformance.run` drives op x type x check and returns a
  :class:`~conformance.run.Report`; :mod:`conformance.report` writes it out
  (terminal, JSON, JUnit XML, HTML); :mod:`conformance.manifest` handles
  capability manifests, expectations files and the preflight.

Adding a check kind (for example the defn-compiler, composite-program or
gradient checks): write a class with

* ``name``: the check's name (the third key of a cell, the ``--checks`` value);
* ``cells(op, ctx) -> list[str]``: the cell types it covers for ``op`` (``["-"]``
  for a per-op check, ``[]`` when it does not apply); ``ctx`` is a
  :class:`~conformance.cases.Context` (``candidate``, ``reference``,
  ``max_examples``, ``seed``, ``types``, ``tier``, ``candidate_name``);
* ``run(ctx, op, type_) -> Result``: a :class:`~conformance.cases.Result` with
  status "pass", "fail", "unsupported" or "not generated", and for a failure the
  ``details`` (``failure_details(ctx, call, diff)`` builds the standard ones:
  seed, inputs, the difference, a reproduction);

and pass an instance to :func:`~conformance.cases.register_check`. Helpers for
the usual shapes of check: :func:`~conformance.cases.run_property` (hypothesis
over a strategy of calls, the candidate's outcome against the reference's) and
:func:`~conformance.cases.run_calls` (a fixed list of calls). A candidate that
runs calls its own way (a compiler) defines ``run_call(call)``; the checks use it
instead of :meth:`Call.run <conformance.calls.Call.run>`.

>>> from conformance import cases
>>> list(cases.CHECKS)
['values', 'special', 'types', 'names', 'shapes', 'errors', 'examples', 'gradients', 'programs']
"""

from conformance import compilers as _compilers, gradients as _gradients  # noqa: E402

# the gradient checks (every differentiable op) and the program checks (defn
# compilers only) run with the built-in ones
_gradients.register()
_compilers.register()
