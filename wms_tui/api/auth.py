"""Who is calling: the API key (``Authorization: Bearer wms_…`` or ``X-Api-Key``),
its scopes, and its rate limit (a token bucket per key, in this process)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from fastapi import HTTPException, Request

from wms_tui.services.integrations.api_keys import BadKey, KeyInfo, authenticate


class RateLimiter:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._buckets: dict[int, tuple[float, float]] = {}  # key id -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, key: KeyInfo) -> float:
        """0 if the call may go ahead, else the seconds until it may."""
        rate = key.rate_per_minute / 60.0
        burst = float(max(1, key.rate_per_minute))
        with self._lock:
            now = self._clock()
            tokens, at = self._buckets.get(key.id, (burst, now))
            tokens = min(burst, tokens + (now - at) * rate)
            if tokens < 1:
                self._buckets[key.id] = (tokens, now)
                return (1 - tokens) / rate
            self._buckets[key.id] = (tokens - 1, now)
            return 0.0


def _raw_key(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.headers.get("x-api-key")


def caller(scope: str) -> Callable[[Request], KeyInfo]:
    """A dependency: the calling key, refused 401 (no/bad key), 403 (scope), 429 (rate)."""

    def dependency(request: Request) -> KeyInfo:
        app = request.app
        try:
            key = authenticate(app.state.store, _raw_key(request))
        except BadKey as exc:
            raise HTTPException(
                401, detail=str(exc), headers={"WWW-Authenticate": "Bearer"}
            ) from None
        if scope not in key.scopes:
            raise HTTPException(403, detail=f"Key {key.name} lacks the {scope} scope")
        wait = app.state.limiter.take(key)
        if wait > 0:
            raise HTTPException(
                429,
                detail=f"Key {key.name} is over its {key.rate_per_minute} requests a minute",
                headers={"Retry-After": str(max(1, round(wait)))},
            )
        return key

    return dependency


READ = caller("read")
WRITE = caller("write")
