"""The receiving world these tests share (tests/worlds/receiving.py)."""

from tests.worlds.receiving import world  # noqa: F401
