"""Tests of tools/ (a package, so that ``conftest`` in its conftest.py names tests/conftest.py)."""
