"""One rst page per spec op, generated from its :class:`~spec.registry.Op` record.

A page holds the signature with its defaults, the summary and details (the
declaration's docstring prose), the type, shape and naming rules (in words, per
family, and as a table computed by calling the op's ``infer`` on templates of
every type), the special cases, the gradient rule, the errors, the tolerance,
the examples (executed while the page is generated, see :mod:`nxexamples`) and
a per-backend status row read from conformance reports (:mod:`nxstatus`).
Nothing here imports Sphinx, so the tests can call it directly.
"""

from __future__ import annotations

import inspect
import math
import textwrap

from spec import types
from spec.registry import TensorSpec

import nxexamples
import nxstatus

__all__ = ["op_page", "type_table", "describe_rules", "special_cases_rows", "error_rows",
           "grad_text", "fmt_spec", "fmt_value", "rst_table", "heading", "op_label", "lit"]

# words for the type rules named by the element-wise and reduction builders
_OUT_TYPE_WORDS = {
    "_same": "the output has the input's type",
    "to_floating": "``to_floating`` of the input type: integers become f32, floats "
                   "and complex types stay as they are",
    "to_real": "``to_real`` of the input type: complex types give their real "
               "component type (c64 -> f32, c128 -> f64), other types stay",
    "to_aggregate": "``to_aggregate`` of the input type: integers accumulate in at "
                    "least 32 bits (s8 -> s32, u8 -> u32, u64 -> s64 as in Nx), floats stay",
}

# shape and naming rules of the families without a builder, in words
_FAMILY_RULES = {
    "creation": ("the shape is given by the arguments (a shape tuple, a tensor whose shape is "
                 "taken, or the nested lists of the data)",
                 "names come from the ``names`` option (or the tensor given as the shape); "
                 "otherwise every axis is unnamed"),
    "shape": ("the shape is rearranged as the details describe; the number of elements is "
              "kept unless the op slices, pads, tiles or joins",
              "the names of the axes that survive move with them; new axes are unnamed "
              "unless ``names``/``axis`` name them"),
    "conversion": ("the shape is kept (``to_binary`` returns bytes)", "the names are kept"),
    "indexing": ("the output shape is the indices' batch shape combined with the "
                 "indexed tensor's remaining axes (see the details)",
                 "names of the axes taken over from the inputs are kept"),
    "contraction": ("contracted axes disappear; the free axes of the left operand come "
                    "before those of the right one",
                    "the free axes keep their names"),
    "sort": ("the shape is kept (``top_k`` shortens the last axis to ``k``)",
             "the names are kept"),
    "cumulative": ("the shape is kept", "the names are kept"),
    "window": ("each window position gives one output element: the shape follows from the "
               "window dimensions, strides, padding and dilations",
               "the names are kept"),
    "statistics": ("reduced axes disappear (or stay with size 1 with ``keep_axes``)",
                   "the names of the remaining axes are kept"),
    "fold": ("the reduced axes disappear (or stay with size 1 with ``keep_axes``)",
             "the names of the remaining axes are kept"),
    "linalg": ("batched over the leading axes; the trailing matrix axes follow the "
               "decomposition or solve (see the details)",
               "the outputs are unnamed unless the details say otherwise"),
    "fft": ("the transformed axis has length ``length`` (default: unchanged; ``rfft`` "
            "keeps ``length // 2 + 1`` values)", "the names are kept"),
}


# type rules of families where one sentence holds for every op
_FAMILY_TYPES = {
    "shape": "the input's type (ops that join or pad tensors merge the types involved)",
    "conversion": "the ``type`` argument (``to_binary`` returns bytes, not a tensor)",
}


def lit(text) -> str:
    """``text`` as an rst inline literal (backquotes inside it escaped away).

    >>> lit("a*b"), lit("")
    ('``a*b``', '')
    """
    text = " ".join(str(text).replace("``", "` `").split())
    return f"``{text}``" if text else ""


def op_label(name: str) -> str:
    """The rst label of an op page."""
    return f"op-{name}"


def heading(text: str, char: str = "-") -> str:
    return f"{text}\n{char * len(text)}\n"


def fmt_spec(out) -> str:
    """``f32[x: 2][3]``; tuples of outputs in braces."""
    if isinstance(out, (tuple, list)):
        return "{" + ", ".join(fmt_spec(o) for o in out) + "}"
    dims = "".join(f"[{n}: {d}]" if n else f"[{d}]" for d, n in zip(out.shape, out.names))
    return f"{out.type}{dims}"


def fmt_value(v) -> str:
    """A special-case value as Python would write it (``float("nan")`` as nan)."""
    if isinstance(v, (list, tuple)):
        inner = ", ".join(fmt_value(x) for x in v)
        return f"[{inner}]" if isinstance(v, list) else f"({inner})"
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if v == 0.0 and math.copysign(1.0, v) < 0:
            return "-0.0"
    return repr(v)


def rst_table(header, rows, widths=None) -> str:
    """A ``list-table`` directive."""
    lines = [".. list-table::", "   :header-rows: 1", ""]
    if widths:
        lines.insert(2, "   :widths: " + " ".join(str(w) for w in widths))
    for row in [header] + list(rows):
        for i, cell in enumerate(row):
            cell = str(cell).replace("\n", " ") or " "
            cell = "\\-" if cell == "-" else cell   # a lone "-" would start a bullet list
            lines.append(("   * - " if i == 0 else "     - ") + cell)
    return "\n".join(lines) + "\n"


def _templates(op, type_, shape=(2, 2), names=("x", "y")):
    """Positional arguments for ``infer``: one template per tensor parameter, or
    None when the op needs a static argument without a default."""
    spec = TensorSpec(type_, shape, names)
    args = []
    for p in op.params:
        if p.kind == "tensor":
            args.append(spec)
        elif p.kind == "tensors":
            args.append([spec, spec])
        elif p.kind == "static":
            if p.default is inspect.Parameter.empty:
                return None
            args.append(p.default)
    return args


def _infer(op, type_):
    """(output spec or None, error text or None) for templates of ``type_``."""
    args = _templates(op, type_)
    if args is None:
        return None, None
    opts = {p.name: p.default for p in op.params if p.kind == "option"}
    try:
        opts = op.normalize(*args, **opts)
        return op.infer(*args, **opts), None
    except Exception as e:  # rejected types are part of the rule
        return None, f"{type(e).__name__}"


def type_table(op):
    """Rows (input types, output) from ``op.infer`` on templates of every type,
    types with the same outcome grouped ("the input type" where the output keeps
    it, unless every output has one fixed type); None when templates do not apply."""
    raw = []
    for t in types.ALL_TYPES:
        out, err = _infer(op, t)
        if out is None and err is None:
            return None
        raw.append((t.name, f"rejected ({lit(err)})" if err else _out_types(out)))
    produced = {k for _, k in raw if not k.startswith("rejected")}
    if not produced:
        return None
    outcomes = {}
    for name, key in raw:
        if key == name and len(produced) > 1:
            key = "the input type"
        outcomes.setdefault(key, []).append(name)
    return [(", ".join(ts), k) for k, ts in outcomes.items()]


def _out_types(out) -> str:
    if isinstance(out, (tuple, list)):
        return "{" + ", ".join(_out_types(o) for o in out) + "}"
    return str(out.type)


def _example_shape(op):
    """(input, output) of ``infer`` on an f32 (or first accepted) template."""
    for t in (types.normalize("f32"),) + tuple(op.accepts):
        out, _ = _infer(op, t)
        if out is not None:
            return fmt_spec(TensorSpec(t, (2, 2), ("x", "y"))), fmt_spec(out)
    return None


def describe_rules(op) -> dict:
    """The type, shape and naming rules of ``op`` in words."""
    extras = op.extras
    fn = extras.get("out_type")
    type_words = _OUT_TYPE_WORDS.get(getattr(fn, "__name__", ""), None)
    if op.family == "elementwise" and extras.get("arity") == 2:
        then = "the output has the merged type" if type_words == _OUT_TYPE_WORDS["_same"] else \
            (type_words or "the merged type maps to the output type as the table shows")
        type_rule = ("the operands' types merge (a Python number merges with "
                     "``merge_number``, see :doc:`/reference/types`); then " + then.replace("input", "merged"))
        shape_rule = "the operands broadcast (see :doc:`/reference/broadcasting`)"
        naming_rule = "the names merge axis by axis (see :doc:`/reference/names`)"
    elif op.family == "elementwise":
        type_rule = type_words or "the input type maps to the output type as the table shows"
        shape_rule = "the output has the input's shape"
        naming_rule = "the names are kept"
    elif op.family == "reduction":
        type_rule = type_words or "as the table shows (with the default options)"
        shape_rule = ("the reduced axes (``axes``, default: all) disappear, or stay with "
                      "size 1 with ``keep_axes=True``")
        naming_rule = "the names of the remaining (or kept) axes stay"
    else:
        shape_rule, naming_rule = _FAMILY_RULES.get(op.family, ("see the details", "see the details"))
        type_rule = _FAMILY_TYPES.get(op.family, "as the table shows (with the default options); see the details")
    return {"type": type_rule, "shape": shape_rule, "naming": naming_rule}


def special_cases_rows(op):
    """(inputs, expected) rows of the declared special cases."""
    rows = []
    for inputs, expected in op.special_cases:
        shown = ", ".join(fmt_value(x) for x in inputs) if isinstance(inputs, tuple) \
            else fmt_value(inputs)
        rows.append((f"``{shown}``", f"``{fmt_value(expected)}``"))
    return rows


def error_rows(runs):
    """(call, exception class, message) for every example that raises."""
    rows = []
    for r in runs:
        if "Traceback (most recent call last)" in r.got:
            last = r.got.rstrip().splitlines()[-1]
            cls, _, msg = last.partition(": ")
            call = r.source.strip().splitlines()[-1]
            rows.append((lit(call), lit(cls.rsplit('.', 1)[-1]), lit(msg)))
    return rows


def grad_text(op) -> str:
    """The gradient rule: the declared VJP rule's source, or what happens instead."""
    if not op.differentiable:
        return ("Not differentiable: ``nx.grad`` passes no gradient through this op "
                "(its inputs get a zero gradient from it).\n")
    if op.grad is None:
        if op.composite is not None:
            return ("No rule of its own: the gradient flows through the primitives "
                    "of its composite implementation.\n")
        return "No gradient rule is declared.\n"
    try:
        lines, _ = inspect.getsourcelines(op.grad)
    except (OSError, TypeError):
        return "Differentiable (the rule's source is not available).\n"
    if op.grad.__name__ == "<lambda>":
        src = _lambda_text("".join(lines))
    else:
        src = textwrap.dedent("".join(lines[:30])).strip("\n")
    return ("The vector-Jacobian product, written against the ``nx`` namespace "
            "(``g`` is the cotangent of the output):\n\n.. code-block:: python\n\n"
            + "\n".join("   " + line if line else "" for line in src.splitlines()) + "\n")


def _lambda_text(source: str) -> str:
    """The first ``lambda ...`` expression of ``source``, up to the comma or
    closing bracket that ends it.

    >>> _lambda_text("    grad=lambda ops, g, out, x: [ops.multiply(g, out)], tolerance={})")
    'lambda ops, g, out, x: [ops.multiply(g, out)]'
    """
    start = source.index("lambda")
    depth, end = 0, len(source)
    for i in range(start, len(source)):
        c = source[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                end = i
                break
            depth -= 1
        elif c == "," and depth == 0 and ":" in source[start:i]:
            end = i
            break
        elif c == "\n" and depth == 0:
            end = i
            break
    return " ".join(source[start:end].split())


def _split_examples(parts):
    """(prose before the first example, the examples with the prose between them)."""
    for i, p in enumerate(parts):
        if isinstance(p, nxexamples.Ran):
            return parts[:i], parts[i:]
    return parts, []


def _render(parts) -> str:
    out, runs = [], []
    for p in parts:
        if isinstance(p, nxexamples.Ran):
            runs.append(p)
            continue
        if not p.strip():
            continue
        if runs:
            out.append(nxexamples.pycon_block(runs))
            runs = []
        out.append(nxexamples.literal_roles(p).strip("\n") + "\n")
    if runs:
        out.append(nxexamples.pycon_block(runs))
    return "\n".join(out)


def op_page(op, reports=None) -> str:
    """The rst page of ``op``; ``reports`` maps backend labels to conformance
    report data (None: not run)."""
    parts = nxexamples.run_examples(op.doc, f"nx.{op.name}")
    prose, examples = _split_examples(parts)
    prose_text = "".join(prose).strip()
    summary, _, details = prose_text.partition("\n\n")
    runs = [p for p in examples if isinstance(p, nxexamples.Ran)]
    out = [f".. _{op_label(op.name)}:\n", heading(f"nx.{op.name}", "=")]
    out.append(f".. py:function:: nx.{op.name}{op.signature}\n   :no-index:\n\n   "
               + nxexamples.literal_roles(" ".join(summary.split())) + "\n")
    kind = "primitive (a Backend method)" if op.is_primitive else "composite (a default implementation over primitives)"
    out.append(f"*Family:* {op.family} · *kind:* {kind}\n")
    params = [p for p in op.params if p.doc]
    if params:
        out.append("\n".join(f"- ``{p.name}``: {nxexamples.literal_roles(p.doc)}" for p in params) + "\n")
    if details.strip():
        out.append(heading("Details") + nxexamples.literal_roles(details.strip()) + "\n")
    out.append(_rules_section(op))
    out.append(heading("Special cases"))
    rows = special_cases_rows(op)
    out.append(rst_table(("inputs", "result"), rows) if rows else "None declared.\n")
    out.append(heading("Gradient") + grad_text(op))
    out.append(heading("Errors") + _errors_section(op, runs))
    out.append(heading("Tolerance"))
    if op.tolerance:
        out.append("Largest error allowed to a backend, in ULPs of the output type:\n\n"
                   + rst_table(tuple(op.tolerance), [tuple(op.tolerance.values())]))
    else:
        out.append("Exact: every backend must give the reference result bit for bit"
                   + (" (up to the relative tolerance ``rtol`` declared for it)"
                      if "rtol" in op.extras else "") + ".\n")
    out.append(heading("Examples") + (_render(examples) if examples else "None.\n"))
    out.append(heading("Backend status") + nxstatus.status_table(reports or {}, op.name))
    return "\n".join(out)


def _rules_section(op) -> str:
    words = describe_rules(op)
    table = type_table(op)
    if table is None:   # ops whose positional arguments have no template (shapes, functions)
        words["type"] = words["type"].replace("as the table shows (with the default options); see the details",
                                              "as the details and the examples show")
    text = [heading("Type, shape and naming rules"),
            f"- **Type rule:** {words['type']}.",
            f"- **Shape rule:** {words['shape']}.",
            f"- **Naming rule:** {words['naming']}.", ""]
    example = _example_shape(op)
    if example:
        text.append(f"With the default options, an input ``{example[0]}`` gives ``{example[1]}``.\n")
    if table:
        what = "each operand" if len(op.tensor_params) > 1 else "the input"
        text.append(f"Output type for each type of {what}:\n\n"
                    + rst_table(("input types", "output type"), table, widths=(3, 1)))
    return "\n".join(text)


def _errors_section(op, runs) -> str:
    text = []
    rejected = [t.name for t in types.ALL_TYPES if t not in op.accepts]
    if rejected:
        text.append(f"Inputs of type {', '.join(rejected)} raise ``TypeError_``.\n")
    rows = error_rows(runs)
    if rows:
        text.append("The examples' error cases (executed):\n\n"
                    + rst_table(("call", "exception", "message"), rows, widths=(3, 1, 4)))
    if not text:
        text.append("Only the argument validation common to every op (unknown options "
                    "raise ``ArgumentError``).\n")
    return "\n".join(text)
