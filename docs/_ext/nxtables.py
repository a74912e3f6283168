"""The global reference pages, generated from the data they describe.

Each function returns the rst of one page under ``reference/``: the 20 types and
the promotion table (from :mod:`spec.types`), the naming and broadcasting rules
(:mod:`spec.names`, :mod:`spec.shapes`), the accuracy model (the registry's
tolerances), the Backend protocol (:class:`nx_ref.backend.Backend`), the Expr
graph and the defn compiler interface (their modules' documentation), and the
conformance overview. Module docstrings are rendered with their examples
executed (:func:`nxexamples.docstring_rst`). No Sphinx import here.
"""

from __future__ import annotations

import importlib

from spec import registry, types
from spec.names import broadcast_names
from spec.shapes import broadcast_shapes

import nxexamples
import nxstatus
from nxops import fmt_value, heading, op_label, rst_table

__all__ = ["PAGES", "module_rst", "types_page", "promotion_rows", "number_rows", "NUMBERS",
           "names_page", "broadcasting_page", "accuracy_rows", "accuracy_page", "backend_page",
           "expr_page", "compiler_page", "status_page", "ops_index"]

# representative Python numbers for the merge_number table
NUMBERS = (0, 1, -1, 300, -300, 2 ** 40, 1.5, 1j)


def module_rst(module_name: str) -> str:
    """A module's docstring as rst, its examples executed in its namespace."""
    module = importlib.import_module(module_name)
    ns = dict(vars(module))
    ns.update(nxexamples.namespace())
    return nxexamples.docstring_rst(module.__doc__ or "", module_name, ns)


def _title(text, label=None):
    return (f".. _{label}:\n\n" if label else "") + heading(text, "=")


def _limits(t):
    if t.is_integer:
        return str(types.min_value(t)), str(types.max_value(t)), "-"
    real = types.to_real(t)
    return (fmt_value(types.min_finite(real)), fmt_value(types.max_finite(real)),
            fmt_value(types.epsilon(real)))


def promotion_rows():
    """The rows of the promotion table: ``merge(row, column)`` for every pair."""
    table = types.promotion_table()
    names = [t.name for t in types.ALL_TYPES]
    return [[a] + [table[(a, b)] for b in names] for a in names]


def number_rows():
    """``merge_number(type, n)`` for every type and each of :data:`NUMBERS`."""
    return [[t.name] + [str(types.merge_number(t, n)) for n in NUMBERS] for t in types.ALL_TYPES]


def types_page() -> str:
    names = [t.name for t in types.ALL_TYPES]
    rows = [(f"``{t.name}``", t.kind, t.bits, t.bytes, *_limits(t)) for t in types.ALL_TYPES]
    return "\n".join([
        _title("Types and promotion", "types"),
        module_rst("spec.types"),
        heading("The 20 types"),
        rst_table(("type", "kind", "bits", "bytes", "min (finite)", "max (finite)", "epsilon"), rows),
        heading("Promotion table"),
        "``merge(row, column)``: the type of an element-wise operation on two tensors "
        "of these types (computed from ``spec.types.merge`` for all 400 pairs).\n",
        rst_table(["merge"] + names, promotion_rows()),
        heading("Tensors and Python numbers"),
        "``merge_number(type, number)``: a Python number keeps the tensor's type when "
        "it fits (computed from ``spec.types.merge_number``).\n",
        rst_table(["type"] + [f"``{fmt_value(n)}``" for n in NUMBERS], number_rows()),
    ])


def names_page() -> str:
    cases = [((2,), ("x",), (2,), (None,)), ((2, 3), (None, "y"), (3,), ("y",)),
             ((5, 4), (None, None), (1,), ("data",)), ((2, 1), ("x", None), (1, 3), (None, "y"))]
    rows = [(f"``{a}`` {b}", f"``{c}`` {d}", str(broadcast_names(a, b, c, d))) for a, b, c, d in cases]
    return "\n".join([_title("Naming rules", "names"), module_rst("spec.names"),
                      heading("Examples (computed by ``broadcast_names``)"),
                      rst_table(("left shape, names", "right shape, names", "result names"), rows)])


def broadcasting_page() -> str:
    cases = [((), (2, 3)), ((3,), (2, 3)), ((2, 1), (1, 3)), ((7, 1, 5), (8, 1, 6, 1)), ((2, 0), (1,))]
    rows = [(str(a), str(b), str(broadcast_shapes(a, b))) for a, b in cases]
    return "\n".join([_title("Broadcasting", "broadcasting"), module_rst("spec.shapes"),
                      heading("Examples (computed by ``broadcast_shapes``)"),
                      rst_table(("left", "right", "result"), rows)])


def accuracy_rows():
    """(family, type -> largest ULP budget of the family's ops, ops with a budget)."""
    families = {}
    for op in registry.all_ops().values():
        if op.tolerance:
            fam = families.setdefault(op.family, ({}, []))
            fam[1].append(op.name)
            for t, ulps in op.tolerance.items():
                fam[0][t] = max(fam[0].get(t, 0), ulps)
    return [(f, budgets, names) for f, (budgets, names) in families.items()]


def accuracy_page() -> str:
    rows = accuracy_rows()
    cols = [t.name for t in types.ALL_TYPES if any(t.name in b for _, b, _ in rows)]
    table = [[f] + [str(b.get(t, "-")) for t in cols] + [str(len(ops))] for f, b, ops in rows]
    per_op = [(f":ref:`nx.{op.name} <{op_label(op.name)}>`",
               ", ".join(f"{t}: {u}" for t, u in op.tolerance.items()))
              for op in registry.all_ops().values() if op.tolerance]
    return "\n".join([
        _title("Accuracy model", "accuracy"),
        "The reference backend computes each element exactly (on Python integers, "
        "``math.fsum`` or mpmath-grade functions) and rounds once into the output type. "
        "Another backend may differ from it by at most the op's declared budget, in "
        "units in the last place (ULPs) of the output type; integer results and ops "
        "without a budget must match bit for bit. NaN matches NaN; infinities and "
        "signed zeros must match. The conformance suite applies these budgets.\n",
        heading("Largest budget per family (ULPs)"),
        rst_table(["family"] + cols + ["ops"], table),
        heading("Budget of each op"),
        rst_table(("op", "ULPs per type"), per_op, widths=(1, 4)),
    ])


def _protocol_entries():
    from nx_ref.backend import Backend, Composite, Primitive
    entries = []
    for name, value in vars(Backend).items():
        if isinstance(value, (Primitive, Composite)):
            entries.append((name, "primitive" if isinstance(value, Primitive) else "composite"))
    return entries


def backend_page() -> str:
    rows = []
    for name, kind in _protocol_entries():
        op = registry.get(name)
        params = ", ".join(["out"] + [p.name for p in op.tensor_params]
                           + [f"{n}=..." for n in op.backend_option_names])
        rows.append((f":ref:`{name} <{op_label(name)}>`", kind, f"``{name}({params})``"))
    primitives = sum(kind == "primitive" for _, kind, _ in rows)
    return "\n".join([
        _title("The Backend protocol", "backend-protocol"), module_rst("nx_ref.backend"),
        heading("Every entry"),
        f"{primitives} primitives and {len(rows) - primitives} composites, read from "
        "``nx_ref.backend.Backend``; each method receives ``out`` (the inferred output "
        "spec), the input tensors and the op's backend options.\n",
        rst_table(("op", "kind", "method"), rows, widths=(1, 1, 4)),
    ])


def expr_page() -> str:
    from nx_ref.backend import Backend, Primitive
    prims = [n for n, v in vars(Backend).items() if isinstance(v, Primitive)]
    return "\n".join([
        _title("The Expr graph", "expr"), module_rst("nx_ref.defn.expr"),
        heading("Op node kinds"),
        f"Besides the structural kinds above, a node's ``op`` is one of the {len(prims)} "
        "primitives of the Backend protocol (composites expand into them while tracing): "
        + ", ".join(f":ref:`{n} <{op_label(n)}>`" for n in prims) + ".\n",
        heading("Printing graphs"), module_rst("nx_ref.defn.printer"),
    ])


def compiler_page() -> str:
    return "\n".join([_title("The defn compiler interface", "compiler"),
                      module_rst("nx_ref.defn.compiler"),
                      heading("Automatic differentiation as a graph transform"),
                      module_rst("nx_ref.defn.autodiff")])


def status_page(reports) -> str:
    rows = nxstatus.summary_rows(reports)
    return "\n".join([
        _title("Conformance status", "conformance-status"),
        "Each backend was checked against the spec with the conformance suite's smoke "
        "tier during this build (``python -m conformance CANDIDATE --tier smoke``); each "
        "op page shows its own row. A backend marked *not run* had no report.\n",
        rst_table(("backend", "time", "cells"), rows) if rows else "No backend was checked.\n",
    ])


def ops_index() -> str:
    by_family = {}
    for op in registry.all_ops().values():
        by_family.setdefault(op.family, []).append(op.name)
    out = [_title("Operations", "ops"),
           f"One page per op of the spec registry ({len(registry.all_ops())} ops), "
           "generated from its declaration.\n"]
    for family, names in by_family.items():
        out.append(heading(family.capitalize()))
        out.append(".. toctree::\n   :maxdepth: 1\n\n" + "\n".join(f"   {n}" for n in names) + "\n")
    return "\n".join(out)


# page file (under reference/) -> generator taking the conformance reports
PAGES = {
    "types": lambda reports: types_page(),
    "names": lambda reports: names_page(),
    "broadcasting": lambda reports: broadcasting_page(),
    "accuracy": lambda reports: accuracy_page(),
    "backend": lambda reports: backend_page(),
    "expr": lambda reports: expr_page(),
    "compiler": lambda reports: compiler_page(),
    "status": status_page,
}
