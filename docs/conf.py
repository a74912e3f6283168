"""Sphinx configuration of the nx-ref specification site (``make docs``)."""

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))      # spec, nx_ref, nx_codegen, conformance
sys.path.insert(0, str(DOCS / "_ext"))    # the site generator

project = "nx-ref"
author = "the nx-ref authors"
copyright = "the nx-ref authors, Apache License 2.0"
release = "0.1.0"

extensions = ["nxsite"]
html_theme = "furo"
html_title = "nx-ref: the executable specification of Nx 0.13"
nitpicky = True                           # a broken cross-reference fails the -W build
exclude_patterns = ["_build", "_generated", "_ext"]
html_static_path = []
pygments_style = "sphinx"
suppress_warnings = []
