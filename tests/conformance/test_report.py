"""The outputs parse: JSON, JUnit XML and the HTML page, with the failure details."""

import json
from html.parser import HTMLParser
from xml.etree import ElementTree as ET

import pytest

from conformance import report as report_mod
from conformance.run import run
from tests.conformance import planted


@pytest.fixture(scope="module")
def failing():
    return run(planted.ExpOffByUlps(), ops=["exp", "negate"], types=["f32", "s8"], max_examples=5,
               candidate_name="tests.conformance.planted:ExpOffByUlps")


def test_json_is_strict_json_with_the_matrix_and_the_failure(failing, tmp_path):
    path = tmp_path / "out.json"
    report_mod.write_json(failing, path)
    data = json.loads(path.read_text(), parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
    assert data["failed"] is True and data["tier"] == "standard"
    assert data["matrix"]["exp"]["f32"]["values"] == "fail"
    assert data["matrix"]["negate"]["s8"]["values"] == "pass"
    fail = next(r for r in data["results"] if r["status"] == "fail" and r["check"] == "values"
                and r["type"] == "f32")
    assert fail["op"] == "exp"
    assert fail["details"]["difference"]["ulps"] == 3
    arg = fail["details"]["call"]["args"][0]
    assert set(arg) == {"values", "type", "shape", "names", "layout"}


def test_junit_parses_and_counts_failures(failing, tmp_path):
    path = tmp_path / "out.xml"
    report_mod.write_junit(failing, path)
    suite = ET.parse(path).getroot().find("testsuite")
    cases = suite.findall("testcase")
    assert int(suite.get("tests")) == len(cases) == len(failing.results)
    failed = [c for c in cases if c.find("failure") is not None]
    assert int(suite.get("failures")) == len(failed) == len(failing.failures())
    assert any(c.get("classname") == "conformance.exp" and c.get("name") == "values[f32]" for c in failed)
    assert "ULPs" in failed[0].find("failure").get("message")


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.stack, self.titles, self.external = [], [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag not in ("meta", "br"):
            self.stack.append(tag)
        if "title" in attrs:
            self.titles.append(attrs["title"])
        if tag in ("link", "script", "img") or "src" in attrs or "href" in attrs:
            self.external.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack.pop() == tag, f"unbalanced </{tag}>"


def test_html_is_self_contained_and_balanced(failing, tmp_path):
    path = tmp_path / "out.html"
    report_mod.write_html(failing, path)
    page = _Collect()
    page.feed(path.read_text())
    assert page.stack == [] and page.external == []
    assert "style" in page.tags and "table" in page.tags
    assert "values: fail" in page.titles and "values: pass" in page.titles


def test_summary_lists_failures_with_reproduction(failing):
    text = report_mod.summary(failing)
    assert "FAILED" in text and "nx.exp [f32] values" in text
    assert 'load("tests.conformance.planted:ExpOffByUlps")' in text
