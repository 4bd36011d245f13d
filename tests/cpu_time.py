"""Where a test run's time goes, in measures a busy machine does not distort.

On the shared two-core machine a test's wall time is mostly spent waiting for
a core (load 8-17: wall 4-10x CPU), so ``--durations`` ranks tests by how busy
the machine was. This plugin records, per test (setup, call and teardown):

* ``cpu``: the test process's CPU time, every thread (``time.process_time``);
* ``child``: CPU of child processes it waited for (a CLI or benchmark subprocess);
* ``runq``: time the main thread was runnable but waiting for a core
  (``/proc/thread-self/schedstat``): what load adds;
* ``idle``: wall - cpu - runq: sleeping or waiting on something else (a
  PostgreSQL server, a Pilot pause, a subprocess). On a quiet machine a test
  takes about cpu + child + idle.

Use it with one process (``-n 0``), one area at a time::

    python -m pytest -n 0 -p tests.cpu_time tests/ui            # top 40 by CPU
    python -m pytest -n 0 -p tests.cpu_time --cpu-time-out t.tsv tests/ui

Linux only (``/proc``); elsewhere runq reads 0 and idle includes it.
"""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

_KEY = pytest.StashKey["list[Spent]"]()


@dataclass
class Spent:
    nodeid: str
    cpu: float
    child: float
    runq: float
    wall: float

    @property
    def idle(self) -> float:
        return max(0.0, self.wall - self.cpu - self.runq)


def _runq() -> float:
    try:
        with open("/proc/thread-self/schedstat") as fh:
            return int(fh.read().split()[1]) / 1e9
    except OSError:
        return 0.0


def _children() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--cpu-time-out", help="also write every test's figures to this TSV file")
    parser.addoption("--cpu-time-top", type=int, default=40, help="tests listed at the end")


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_KEY] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):  # noqa: ANN201
    wall, cpu, child, runq = time.perf_counter(), time.process_time(), _children(), _runq()
    yield
    item.config.stash[_KEY].append(
        Spent(
            item.nodeid,
            time.process_time() - cpu,
            _children() - child,
            _runq() - runq,
            time.perf_counter() - wall,
        )
    )


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:  # noqa: ANN001
    spent: list[Spent] = config.stash[_KEY]
    if not spent:
        return
    out = config.getoption("--cpu-time-out")
    if out:
        rows = [
            f"{s.cpu:.3f}\t{s.child:.3f}\t{s.runq:.3f}\t{s.idle:.3f}\t{s.nodeid}" for s in spent
        ]
        Path(out).write_text("cpu\tchild\trunq\tidle\ttest\n" + "\n".join(rows) + "\n")
    write = terminalreporter.write_line
    top = config.getoption("--cpu-time-top")
    write("")
    write(f"cpu time: the {min(top, len(spent))} tests with the most CPU (seconds)")
    write(f"{'cpu':>7} {'child':>7} {'idle':>7} {'runq':>7}  test")
    for s in sorted(spent, key=lambda s: s.cpu + s.child, reverse=True)[:top]:
        write(f"{s.cpu:7.2f} {s.child:7.2f} {s.idle:7.2f} {s.runq:7.2f}  {s.nodeid}")
    modules: dict[str, list[float]] = {}
    for s in spent:
        m = modules.setdefault(s.nodeid.split("::")[0], [0, 0.0, 0.0, 0.0])
        m[0] += 1
        m[1] += s.cpu
        m[2] += s.child
        m[3] += s.idle
    write("by module: tests, cpu, child, idle")
    for name, (n, c, k, i) in sorted(modules.items(), key=lambda kv: -(kv[1][1] + kv[1][2])):
        write(f"{n:5d} {c:7.2f} {k:7.2f} {i:7.2f}  {name}")
    total = [sum(getattr(s, f) for s in spent) for f in ("cpu", "child", "idle", "runq")]
    write("all {} tests: cpu {:.1f} s, child {:.1f} s, idle {:.1f} s, runq {:.1f} s".format(
        len(spent), *total))  # fmt: skip
