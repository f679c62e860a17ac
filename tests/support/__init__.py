"""What the tests share: the clock, the demo's positions and heads, ledgers on both backends,
HTTP helpers (tokens, problem documents), and the command and query tests' givens.

conftest.py holds only fixtures and hooks; tests import helpers from here, never from conftest.
"""
