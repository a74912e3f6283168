"""The executable specification of nx-ref: types, shapes, names and the op registry.

Pure Python, standard library only. Every op is declared once in ``spec/ops``;
the user API, the reference backend, autodiff, the conformance suite and the
documentation all derive from those declarations.
"""
