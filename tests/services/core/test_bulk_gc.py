"""collector_held: no cyclic GC pass inside, the collector as it was after."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from wms_tui.services.core.bulk_gc import collector_held


@pytest.fixture
def collector_restored() -> Iterator[None]:
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_held_inside_running_again_after(collector_restored: None) -> None:
    gc.enable()
    with collector_held():
        assert not gc.isenabled()
        with collector_held():
            assert not gc.isenabled()
        assert not gc.isenabled(), "the outer hold still holds"
    assert gc.isenabled()


def test_a_collector_stopped_before_stays_stopped(collector_restored: None) -> None:
    gc.disable()
    with collector_held():
        pass
    assert not gc.isenabled()


def test_an_error_inside_still_lets_go(collector_restored: None) -> None:
    gc.enable()
    with pytest.raises(ValueError), collector_held():
        raise ValueError("refused")
    assert gc.isenabled()


def test_overlapping_holds_of_two_threads_end_with_the_last(collector_restored: None) -> None:
    gc.enable()
    inside, leave = threading.Event(), threading.Event()

    def other() -> None:
        with collector_held():
            inside.set()
            leave.wait(10)

    t = threading.Thread(target=other)
    with collector_held():
        t.start()
        assert inside.wait(10)
    assert not gc.isenabled(), "the other thread still holds it"
    leave.set()
    t.join(10)
    assert gc.isenabled()
