"""The FastAPI application: routes, errors as one line with the right status, OpenAPI.

``create_app(store)`` builds it; ``wms serve api`` runs it with uvicorn on
127.0.0.1 by default. A ``DomainError`` from a service becomes 404 (not
found), 403 (not allowed), 409 (refused by a rule) with ``{"error": …}``;
a body or path that does not fit the schema is 422. Nothing the caller sends
is echoed back at length.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from wms_tui.adapters.shopify.credentials import webhook_secret
from wms_tui.api import inbound, orders, shopify_webhooks, stock, webhooks
from wms_tui.api.auth import RateLimiter
from wms_tui.domain.errors import BadInput, Conflict, DomainError, NotFound, PermissionDenied
from wms_tui.store import Store

VERSION = "1"


def _status(exc: DomainError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, PermissionDenied):
        return 403
    if isinstance(exc, BadInput):
        return 422
    if isinstance(exc, Conflict):
        return 409
    return 409


# What pydantic says of a body that is a list, a string, or form data (no JSON content type).
_NOT_AN_OBJECT = ("model_attributes_type", "model_type", "dict_type")


def _first_problem(exc: RequestValidationError) -> str:
    """One line for a request that does not fit the schema: a body that is not JSON
    says where it breaks, missing fields are named together (a developer read
    "0: JSON decode error" and "name: Field required (and 2 more)"), else the first
    problem and how many more."""
    errors = exc.errors()
    if not errors:
        return "The request does not fit the API"
    e = errors[0]
    if e.get("type") == "json_invalid":
        at = e.get("loc", ("body", "?"))[-1]
        why = (e.get("ctx") or {}).get("error", e.get("msg", "invalid"))
        return f"The body is not JSON (at character {at}: {why})"[:300]
    if e.get("loc") == ("body",) and e.get("type") in _NOT_AN_OBJECT:
        return "The body must be a JSON object, sent as Content-Type: application/json"
    if all(x.get("type") == "missing" for x in errors):
        names = [_where(x) for x in errors]
        if names == ["body"]:
            return "The body is missing: send a JSON object"
        return ("Missing: " + ", ".join(names))[:300]
    return f"{_where(e)}: {_why(e)}"[:300] + (
        f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    )


def _why(error: dict) -> str:
    # A check of ours raises ValueError("…"): say only its sentence, not pydantic's
    # "Value error, " in front of it.
    if error.get("type") == "value_error" and (ctx := error.get("ctx")):
        return str(ctx.get("error", error.get("msg", "invalid")))
    return str(error.get("msg", "invalid"))


def _where(error: dict) -> str:
    return ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"


def create_app(
    store: Store,
    *,
    secret: Callable[[], str] = webhook_secret,
    limiter: RateLimiter | None = None,
    allow_private_webhooks: bool = False,
) -> FastAPI:
    """``allow_private_webhooks``: webhooks may go to http and this machine's or its
    network's addresses (a test receiver; ``services/integrations/webhook_targets``)."""
    app = FastAPI(
        title="wms_tui warehouse API",
        version=VERSION,
        description="Orders, stock, deliveries, returns and webhooks of one warehouse. "
        "Send an API key as 'Authorization: Bearer wms_…' (wms api-keys create).",
    )
    app.state.store = store
    app.state.webhook_secret = secret
    app.state.limiter = limiter or RateLimiter()
    app.state.allow_private_webhooks = allow_private_webhooks

    @app.exception_handler(DomainError)
    async def domain_error(_request: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=_status(exc))

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse(
            {"error": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def bad_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"error": _first_problem(exc)}, status_code=422)

    for module in (orders, stock, inbound, webhooks, shopify_webhooks):
        app.include_router(module.router)
    return app
