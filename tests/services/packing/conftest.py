"""The pack-floor world these tests share (tests/worlds/packing.py), and a private
CUPS scheduler with queues to loopback (tests/fakes/cups.py).

A module whose world differs only in the builder's options says so with a mark:
``pytestmark = pytest.mark.world(carrier_check="s10")``.
"""

from tests.fakes.cups import cups, cups_server, zebra  # noqa: F401
from tests.worlds.packing import world  # noqa: F401
