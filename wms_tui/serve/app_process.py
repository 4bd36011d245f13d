"""One app process under a pseudo-terminal, driven from asyncio.

The child gets the pty's slave as stdin/stdout/stderr in a session of its
own; the server keeps the master. Bytes go both ways unchanged. A resize sets
the pty's size and sends SIGWINCH (the child has no controlling terminal, so
the kernel would not). A hang-up sends SIGHUP to the child's process group:
the app logs its operator out (a claimed pick task is paused) and exits; if it
has not gone after ``KILL_AFTER`` seconds it is killed, and the store rolls
back whatever transaction it had open.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import signal
import struct
import sys
import termios
from collections.abc import Callable, Sequence

KILL_AFTER = 5.0
READ_CHUNK = 64 * 1024
RESIZE_SETTLE_S = 0.2

# Smallest and largest screens the app is run at: a handheld is 16x20 at the
# least; a client announcing 1000x1000 gets the app at the largest size
# instead of a million cells redrawn on every frame.
MIN_COLS, MIN_ROWS = 16, 6
MAX_COLS, MAX_ROWS = 400, 150


def app_command(db_url: str, terminal: str) -> list[str]:
    """The app for one device: the same program a local terminal runs."""
    return [sys.executable, "-m", "wms_tui", "run", "--terminal", terminal, "--db", db_url]


def clamp_size(cols: int, rows: int) -> tuple[int, int]:
    return max(MIN_COLS, min(cols, MAX_COLS)), max(MIN_ROWS, min(rows, MAX_ROWS))


def too_small(cols: int, rows: int) -> bool:
    return cols < MIN_COLS or rows < MIN_ROWS


def _set_size(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


class PtyApp:
    """The app process of one connection.

    ``on_output(bytes)`` gets what the app writes; ``on_exit(code)`` is called
    once when it has ended. ``pause_output``/``resume_output`` stop and start
    reading the pty (a client that does not read its data then stalls only its
    own app, which blocks writing to a full pty).
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        on_output: Callable[[bytes], None],
        on_exit: Callable[[int], None],
        env: dict[str, str] | None = None,
    ) -> None:
        self.argv = list(argv)
        self.env = env
        self.on_output = on_output
        self.on_exit = on_exit
        self.process: asyncio.subprocess.Process | None = None
        self._master: int | None = None
        self._reading = False
        self._ended = asyncio.Event()
        self._settle: asyncio.TimerHandle | None = None
        self._hangup: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    async def start(self, cols: int, rows: int, term: str = "xterm-256color") -> None:
        master, slave = os.openpty()
        try:
            _set_size(slave, *clamp_size(cols, rows))
            env = dict(self.env if self.env is not None else os.environ)
            env["TERM"] = term or "xterm-256color"
            env.pop("TEXTUAL_DRIVER", None)
            self.process = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=env,
                start_new_session=True,
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        os.set_blocking(master, False)
        self._master = master
        self.resume_output()
        asyncio.get_running_loop().create_task(self._wait())

    def _read(self) -> None:
        assert self._master is not None
        try:
            data = os.read(self._master, READ_CHUNK)
        except BlockingIOError:
            return
        except OSError:  # EIO: the app closed its side of the pty
            data = b""
        if not data:
            self.pause_output()
            return
        self.on_output(data)

    def pause_output(self) -> None:
        if self._reading and self._master is not None:
            asyncio.get_running_loop().remove_reader(self._master)
            self._reading = False

    def resume_output(self) -> None:
        if not self._reading and self._master is not None and not self._ended.is_set():
            asyncio.get_running_loop().add_reader(self._master, self._read)
            self._reading = True

    def write(self, data: bytes) -> None:
        """Keystrokes to the app; dropped once it has ended."""
        if self._master is None or self._ended.is_set():
            return
        view = memoryview(data)
        while view:
            try:
                sent = os.write(self._master, view)
            except BlockingIOError:
                # The app is not reading (busy or stuck): what a keyboard would
                # lose too. A pty buffers kilobytes, far more than any scan.
                return
            except OSError:
                return
            view = view[sent:]

    def resize(self, cols: int, rows: int) -> None:
        if self._master is None or self.process is None or self._ended.is_set():
            return
        _set_size(self._master, *clamp_size(cols, rows))
        self._winch()
        # Two resizes back to back (1x1 then 40x16) could leave the app drawn at the
        # first size: its reads of the size and the resizes it posts race. Told once
        # more when the resizes have stopped, it reads the size the device has now.
        if self._settle is not None:
            self._settle.cancel()
        self._settle = asyncio.get_running_loop().call_later(RESIZE_SETTLE_S, self._winch)

    def _winch(self) -> None:
        if self.process is None or self._ended.is_set():
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGWINCH)

    def hangup(self) -> None:
        """The connection is gone: SIGHUP now, SIGKILL if the app is still there later."""
        if self.process is None or self._ended.is_set() or self._hangup is not None:
            return
        self._hangup = asyncio.get_running_loop().create_task(self._hang_up())

    async def _hang_up(self) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGHUP)
        try:
            await asyncio.wait_for(self._ended.wait(), KILL_AFTER)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)

    async def wait(self) -> None:
        await self._ended.wait()

    async def _wait(self) -> None:
        assert self.process is not None
        code = await self.process.wait()
        # What the app wrote last (its goodbye, a traceback) is still in the pty.
        if self._master is not None and self._reading:
            self.pause_output()
            with contextlib.suppress(OSError):
                while data := os.read(self._master, READ_CHUNK):
                    self.on_output(data)
        self._ended.set()
        if self._master is not None:
            os.close(self._master)
            self._master = None
        self.on_exit(code)
