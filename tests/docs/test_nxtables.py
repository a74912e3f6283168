"""The global pages hold the data of spec/ (promotion table, types, tolerances, protocol)."""

import re

from spec import registry, types

import nxtables


def _table_rows(rst, title):
    """The rows of the first list-table after ``title``."""
    block = rst[rst.index(title):]
    block = block[block.index(".. list-table::"):]
    rows, row = [], None
    for line in block.splitlines()[3:]:
        if line.startswith("   * - "):
            row = [line[7:]]
            rows.append(row)
        elif line.startswith("     - "):
            row.append(line[7:])
        elif line.strip() and not line.startswith("   "):
            break
    return rows


def test_promotion_table_page_matches_spec_types():
    page = nxtables.types_page()
    rows = _table_rows(page, "Promotion table")
    names = [t.name for t in types.ALL_TYPES]
    assert rows[0] == ["merge"] + names
    table = types.promotion_table()
    assert len(rows) == 21
    for row in rows[1:]:
        assert len(row) == 21
        for b, cell in zip(names, row[1:]):
            assert cell == table[(row[0], b)]


def test_number_merging_table_matches_merge_number():
    rows = _table_rows(nxtables.types_page(), "Tensors and Python numbers")
    for row in rows[1:]:
        assert row[1:] == [str(types.merge_number(row[0], n)) for n in nxtables.NUMBERS]
    assert len(rows) == 1 + len(types.ALL_TYPES)


def test_types_page_lists_the_20_types_and_runs_the_module_examples():
    page = nxtables.types_page()
    assert all(f"``{t.name}``" in page for t in types.ALL_TYPES)
    assert ">>> merge(\"s8\", \"u8\")\n   Type('s16')" in page


def test_accuracy_rows_are_the_largest_budgets():
    for family, budgets, names in nxtables.accuracy_rows():
        for t, ulps in budgets.items():
            assert ulps == max(registry.get(n).tolerance.get(t, 0) for n in names)


def test_backend_page_lists_every_protocol_entry():
    from nx_ref.backend import Backend, Composite, Primitive
    page = nxtables.backend_page()
    entries = [n for n, v in vars(Backend).items() if isinstance(v, (Primitive, Composite))]
    assert entries and all(f":ref:`{n} <op-{n}>`" in page for n in entries)


def test_ops_index_links_every_op():
    index = nxtables.ops_index()
    listed = re.findall(r"^   (\w+)$", index, re.M)
    assert sorted(listed) == sorted(registry.all_ops())
