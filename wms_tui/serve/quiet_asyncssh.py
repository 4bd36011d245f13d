"""asyncssh, imported without the DSA deprecation warnings its import prints.

cryptography warns about DSA as asyncssh defines its (unused here) DSA key
classes: five lines on every start of the server that say nothing to a site.
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*DSA.*")
    import asyncssh

__all__ = ["asyncssh"]
