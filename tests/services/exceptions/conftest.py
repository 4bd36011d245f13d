"""The pack-floor world the inbox and recovery tests share (tests/worlds/packing.py)."""

from tests.worlds.packing import world  # noqa: F401
