"""A label printer's raw port (9100) on loopback: every connection is one job, kept as bytes."""

from __future__ import annotations

import socket
import threading
import time


class RawPrinter:
    """Listens on 127.0.0.1 (a free port); ``jobs`` holds each connection's bytes in order."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port: int = self.sock.getsockname()[1]
        self.jobs: list[bytes] = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            job = b""
            with conn:
                conn.settimeout(30)
                # Read to the sender's half-close, then close: a Zebra does the same, and
                # CUPS's socket backend waits for that close before it calls the job done.
                while chunk := conn.recv(65536):
                    job += chunk
            self.jobs.append(job)

    def wait_for(self, count: int, timeout: float = 60.0) -> list[bytes]:
        """The first ``count`` jobs, waiting for them (CUPS delivers asynchronously)."""
        deadline = time.monotonic() + timeout
        while len(self.jobs) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.jobs)

    def close(self) -> bytes:
        """Stop listening; everything received, jobs in order."""
        self._stop.set()
        self.thread.join(timeout=10)
        self.sock.close()
        return b"".join(self.jobs)
