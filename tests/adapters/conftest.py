"""A private CUPS scheduler and queues to loopback (tests/fakes/cups.py) for these tests."""

from tests.fakes.cups import cups, cups_server, zebra  # noqa: F401
