"""The receiving world (tests/worlds/receiving.py): bins with stock, a delivery on its
way; the cycle-count tests count in it (a module with a world of its own overrides it)."""

from tests.worlds.receiving import world  # noqa: F401
