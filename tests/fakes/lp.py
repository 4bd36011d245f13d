"""CUPS's ``lp`` stood in for: a script (``LP``, written to a folder put first on
PATH) that records its arguments and stdin, and fails for the queue "offline"."""

from __future__ import annotations

LP = """#!/bin/sh
printf '%s\\n' "$@" > "{log}"
if [ "$2" = "offline" ]; then echo "lp: The printer or class does not exist." >&2; exit 1; fi
for last; do :; done
if [ "$last" = "-" ]; then cat > "{log}.stdin"; fi
echo "request id is $2-1 (1 file(s))"
"""
