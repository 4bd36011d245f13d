"""What FastAPI lets through before the schema sees a body: its size, duplicate keys, depth.

``json.loads`` keeps the last of two equal keys, so ``{"name": "A", "name": "B"}``
created order B without a word; a body nested a hundred thousand deep answered
400 "There was an error parsing the body"; a body of any size was read and
parsed before the schema's list limits refused it. ``CheckedRoute`` reads the
body once, before the route's own parsing (which reuses it), and answers these
as the other refusals: one line, nothing changed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

#: Larger than any body the schema allows (500 ASN lines, 200 order lines with texts).
MAX_BODY = 1_000_000
TOO_LARGE = f"The body is larger than {MAX_BODY // 1_000_000} MB"


class _Twice(ValueError):
    pass


def _no_twice(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _Twice(key)
        seen[key] = value
    return seen


def body_problem(raw: bytes) -> tuple[int, str] | None:
    """(status, one line) for a body refused before the schema; None to go on. A body
    that is not JSON at all is left to the schema's own message."""
    if len(raw) > MAX_BODY:
        return 413, TOO_LARGE
    try:
        json.loads(raw, object_pairs_hook=_no_twice)
    except _Twice as twice:
        return 422, f"{str(twice)[:60]}: given twice in one object"
    except RecursionError:
        return 422, "The body is not JSON this API reads: nested too deep"
    except ValueError:
        return None
    return None


class CheckedRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def checked(request: Request) -> Response:
            if request.method in ("POST", "PUT", "PATCH"):
                length = request.headers.get("content-length", "")
                if length.isdigit() and int(length) > MAX_BODY:  # not read at all
                    return JSONResponse({"error": TOO_LARGE}, status_code=413)
                raw = await request.body()
                if raw and (problem := body_problem(raw)):
                    return JSONResponse({"error": problem[1]}, status_code=problem[0])
            return await handle(request)

        return checked
