"""The docs-check helpers: console lines, page text, expected texts."""

import nxcheck


def test_the_op_page_must_show_its_signature():
    page, texts = next(p for p in nxcheck.PAGES if p[0].startswith("ops/"))
    assert any(t.startswith("nx.") and "(" in t for t in texts)


def test_console_and_texts():
    log = "[0:1:INFO:CONSOLE(1)] \"Failed to load resource\", source: x (1)\n[0:1:INFO:other] fine"
    assert len(nxcheck.console_errors(log)) == 1
    assert nxcheck.missing_texts("<div>nx.exp(<em>tensor</em>)</div>", ["nx.exp(tensor)"]) == []
