"""The tool-test fixtures (a converted NW-UCLA pickle, tiny real runs of tools/*.py), shared."""
from tools.conftest import nwucla, tools, trained  # noqa: F401  (tests/tools/conftest.py)
