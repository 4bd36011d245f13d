"""Floor devices reach the app: ``wms serve ssh`` and ``wms serve web`` (issue #17).

An entrypoint like the TUI and the CLI: every connection runs its own app
process (``python -m wms_tui run --terminal DEVICE``), which calls the
services as a local terminal does. This package only authenticates devices
(through ``services.devices``), moves bytes and signals, and logs.
"""
