"""The site generator lives in docs/_ext (Sphinx loads it from there): make its
modules importable by the tests of tests/docs."""

import sys
from pathlib import Path

EXT = Path(__file__).resolve().parents[2] / "docs" / "_ext"
if str(EXT) not in sys.path:
    sys.path.insert(0, str(EXT))
