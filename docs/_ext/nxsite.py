"""The Sphinx extension that generates the site from the spec.

On ``builder-inited`` it runs the conformance suite (see :mod:`nxstatus`), then
writes the generated sources (:mod:`nxgenerate`). On ``build-finished`` it writes ``spec.json``
next to the HTML (:mod:`nxspecjson`). The ``nx-example`` directive executes the
doctest examples of the hand-written guides (their pages are read again on every
build, so the examples run in incremental builds too). Any example whose output differs
from its expectation stops the build.
"""

from __future__ import annotations

import os
from pathlib import Path

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

import nxexamples
import nxgenerate
import nxspecjson
import nxstatus

__all__ = ["setup", "generate", "ExampleDirective"]

logger = logging.getLogger(__name__)


def _reports(app):
    directory = os.environ.get("NX_DOCS_CONFORMANCE_DIR") or str(Path(app.outdir).parent / "conformance")
    if os.environ.get("NX_DOCS_CONFORMANCE", "run") == "run":
        nxstatus.run_suite(directory, Path(app.srcdir).parent, log=logger.info)
    return nxstatus.load_reports(directory)


def generate(app):
    """Write every generated source file (see :mod:`nxgenerate`)."""
    try:
        nxgenerate.generate_sources(Path(app.srcdir), _reports(app), plots=True,
                                    bench_scratch=Path(app.outdir).parent / "benchmarks")
    except nxexamples.ExampleError as e:
        raise ExtensionError(f"an example's output differs from its expectation: {e}") from None


def write_spec_json(app, exception):
    if exception is None and app.builder.format == "html":
        nxspecjson.write(Path(app.outdir) / "spec.json")


class ExampleDirective(SphinxDirective):
    """``.. nx-example::`` followed by doctest text: executed, shown with the
    actual output. Examples of one page share a namespace (``nx`` is nx_ref)."""

    has_content = True

    def run(self):
        ns = self.env.temp_data.setdefault("nx_example_ns", nxexamples.namespace())
        _example_docs(self.env).add(self.env.docname)
        text = "\n".join(self.content)
        where = f"{self.env.docname}:{self.lineno}"
        try:
            parts = nxexamples.run_examples(text, where, ns)
        except nxexamples.ExampleError as e:
            raise ExtensionError(f"an example's output differs from its expectation: {e}") from None
        runs = [p for p in parts if isinstance(p, nxexamples.Ran)]
        if not runs:
            raise ExtensionError(f"{where}: nx-example without a >>> example")
        block = nxexamples.pycon_block(runs).split("\n", 2)[2]
        code = "\n".join(line[3:] for line in block.rstrip("\n").split("\n"))
        node = nodes.literal_block(code, code, language="pycon")
        self.set_source_info(node)
        return [node]


def _example_docs(env) -> set:
    if not hasattr(env, "nx_example_docs"):
        env.nx_example_docs = set()
    return env.nx_example_docs


def _reread_examples(app, env, added, changed, removed):
    """Pages with examples are read again on every build, so that their examples
    run in every build, incremental ones included."""
    return sorted(_example_docs(env) - set(removed))


def _purge(app, env, docname):
    _example_docs(env).discard(docname)


def _merge(app, env, docnames, other):
    _example_docs(env).update(_example_docs(other) & set(docnames))


def setup(app):
    app.connect("env-get-outdated", _reread_examples)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("builder-inited", generate)
    app.connect("build-finished", write_spec_json)
    app.add_directive("nx-example", ExampleDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
