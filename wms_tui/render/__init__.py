"""Rich renderings shared by the terminal front ends: the ``wms`` commands and the TUI.

A command may not import the TUI (``wms trace`` over SSH should not load
Textual), so what both draw the same way lives here, between them and the
services: rich renderables from the services' typed results, no Textual, no
store (contracts in pyproject.toml).
"""
