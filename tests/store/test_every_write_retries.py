"""Every function of ``wms_tui/services`` that opens a unit of work is ``@retrying``.

A transaction that loses a deadlock or a unique-key race to another terminal
is run again by :func:`wms_tui.store.retrying`; a writer without it shows the
floor a database error instead. The shop sync, the API's use cases and the
device registry had none: a webhook and a pull importing the same order, or
two API clients, got the raw error. Found by reading the source of every
module, so a new writer without the decorator fails here.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import wms_tui.services
from wms_tui.store import retrying

_RETRYING = retrying(lambda: None).__code__

# Writers that must not be rerun whole, each with why; what they write is in
# small retrying helpers where that matters.
NOT_RERUN = {
    "packing.station_printers.send_fonts": "sends fonts to a printer before it records them",
    "demo.build.create_demo": "builds a new store no terminal uses yet",
    "demo.history._release": "the demo's past week, on a store no terminal uses yet",
    "demo.day_setup.set_up_day": "a simulation's empty store, one process",
    "insight.hour_cache.store_kept": "a cache's write: a lost race keeps the refresh's "
    "figures and the next refresh writes again",
    "setup.store_init.init_store": "creates the store",
}


def _writers() -> dict[str, object]:
    found = {}
    for info in pkgutil.walk_packages(wms_tui.services.__path__, "wms_tui.services."):
        module = importlib.import_module(info.name)
        for name, fn in vars(module).items():
            if not inspect.isfunction(fn) or fn.__module__ != module.__name__:
                continue
            source = inspect.getsource(inspect.unwrap(fn))
            if ".unit_of_work()" in source:
                found[f"{info.name.removeprefix('wms_tui.services.')}.{name}"] = fn
    return found


def test_every_unit_of_work_is_retried_when_it_loses_a_race() -> None:
    writers = _writers()
    assert len(writers) > 60  # the walk found the services
    bare = sorted(
        name
        for name, fn in writers.items()
        if fn.__code__ is not _RETRYING and name not in NOT_RERUN  # type: ignore[attr-defined]
    )
    assert not bare, f"not @retrying: {bare}"
    assert set(NOT_RERUN) <= set(writers), "an exemption for a function that is gone"
