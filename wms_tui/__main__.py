"""``python -m wms_tui`` is the same as the ``wms`` command."""

from wms_tui.cli.entry import main

main()
