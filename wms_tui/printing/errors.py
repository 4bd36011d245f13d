"""Errors raised by the printing toolkit.

Everything the printing layer raises on purpose derives from :class:`PrintError`, so the UI can
show one message box for "the label could not be produced or printed" without knowing which
step failed.
"""

from __future__ import annotations


class PrintError(Exception):
    """A document could not be rendered, written or sent to a printer."""


class UnsafePathError(PrintError, ValueError):
    """An output path would land outside the folder it was meant for.

    Also a ``ValueError`` because it is, first of all, bad input (a hostile or careless order
    name), and callers validating input tend to catch ``ValueError``.
    """
