"""The test suite.

Imported before any conftest or test module, so this is where the suite keeps
its compiled modules when the environment says to write none
(``PYTHONDONTWRITEBYTECODE``, set on the machines this project is built on):
without a cache, every pytest process (each xdist worker) compiled and
assertion-rewrote all ~500 test and product modules again, about 6 s of CPU
of its ~12 s collection. They go to a folder under the system's temporary
folder (``sys.pycache_prefix``), never beside the sources, which is what that
setting keeps clean. Python and pytest check each cached file against its
source's modification time and size, so an edited module is compiled again.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

if sys.dont_write_bytecode and not sys.pycache_prefix:
    sys.pycache_prefix = str(Path(tempfile.gettempdir()) / "wms-tests-pycache")
    sys.dont_write_bytecode = False
