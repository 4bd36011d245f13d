"""A small client of Shopify's GraphQL Admin API (httpx), with the shop's manners.

* The API version is pinned here, in ``API_VERSION``, and nowhere else; the
  GraphQL documents it sends are in :mod:`admin_queries`.
* Throttling: every answer carries ``extensions.cost.throttleStatus``; when
  the bucket runs low the client waits for it to refill before the next call,
  and a ``THROTTLED`` error (or HTTP 429) is waited out and tried again.
* 5xx, timeouts, dropped connections and answers that are not JSON are
  tried again with exponential backoff (``max_attempts`` in all); a 4xx or a
  GraphQL error is reported at once with the shop's own message
  (``ShopError.retryable`` is False).
* The access token travels only in the ``X-Shopify-Access-Token`` header. It
  is never part of a message, a log line or the store.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from wms_tui.adapters.shopify.admin_queries import (
    CUSTOMS_QUERY,
    FULFILLMENT_CREATE,
    FULFILLMENT_ORDERS_QUERY,
    INVENTORY_SET,
    LOCATIONS_QUERY,
    ORDER_BY_NAME_QUERY,
    ORDERS_QUERY,
    VARIANTS_QUERY,
)

API_VERSION = "2025-01"
"""The Admin API version every request names (Shopify supports each for a year)."""

MAX_ATTEMPTS = 5
MAX_WAIT = 30.0
ORDER_PAGE = 50
# Below this many cost points left, wait for the bucket rather than risk THROTTLED.
LOW_WATER = 100


class ShopError(Exception):
    """The shop could not be reached or refused; ``message`` is one line for a supervisor."""

    def __init__(self, message: str, *, retryable: bool, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.status = status

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class ShopConfig:
    shop: str  # my-shop.myshopify.com, or a full http(s):// base URL (tests, proxies)
    token: str
    location_id: str = ""  # gid://shopify/Location/…; empty: the shop's first location
    notify_customer: bool = True
    timeout: float = 20.0

    @property
    def endpoint(self) -> str:
        base = self.shop.rstrip("/")
        if "://" not in base:
            base = f"https://{base}"
        return f"{base}/admin/api/{API_VERSION}/graphql.json"

    def __repr__(self) -> str:  # never show the token, not even in a traceback
        return f"ShopConfig(shop={self.shop!r}, token='***')"


def _short(text: Any, limit: int = 200) -> str:
    return " ".join(str(text).split())[:limit]


def _messages(errors: Any) -> str:
    if isinstance(errors, str):
        return _short(errors)
    if isinstance(errors, list):
        return _short(
            "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors)
        )
    if isinstance(errors, dict):
        return _short("; ".join(f"{k}: {v}" for k, v in errors.items()))
    return _short(errors)


def nodes(connection: Any) -> list[dict[str, Any]]:
    """A connection's nodes, whether the answer lists ``nodes`` or ``edges { node }``."""
    if not isinstance(connection, dict):
        return []
    found = connection.get("nodes")
    if found is None:
        found = [e.get("node") for e in connection.get("edges") or [] if isinstance(e, dict)]
    return [n for n in found if isinstance(n, dict)] if isinstance(found, list) else []


def _throttled(errors: Any) -> bool:
    return isinstance(errors, list) and any(
        isinstance(e, dict) and (e.get("extensions") or {}).get("code") == "THROTTLED"
        for e in errors
    )


class AdminApi:
    """One shop. ``sleep`` and ``client`` are injectable so tests need no real waiting."""

    def __init__(
        self,
        config: ShopConfig,
        *,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self.config = config
        self._client = client or httpx.Client(timeout=config.timeout)
        self._own_client = client is None
        self._sleep = sleep
        self.max_attempts = max_attempts
        self._wait_before_next = 0.0
        self.calls = 0

    def close(self) -> None:
        if self._own_client:
            self._client.close()

    def __enter__(self) -> AdminApi:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transport -------------------------------------------------------------------

    def _backoff(self, attempt: int) -> float:
        return min(MAX_WAIT, 0.5 * 2**attempt)

    def query(self, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run one GraphQL document; the ``data`` object, or ShopError."""
        last = ""
        for attempt in range(self.max_attempts):
            if self._wait_before_next > 0:
                self._sleep(self._wait_before_next)
                self._wait_before_next = 0.0
            self.calls += 1
            try:
                resp = self._client.post(
                    self.config.endpoint,
                    json={"query": document, "variables": variables or {}},
                    headers={
                        "X-Shopify-Access-Token": self.config.token,
                        "Content-Type": "application/json",
                        "Accept": "application/json",
                    },
                )
            except httpx.TimeoutException:
                last = "the shop did not answer in time"
                self._sleep(self._backoff(attempt))
                continue
            except httpx.HTTPError as exc:
                last = f"cannot reach the shop: {_short(type(exc).__name__)}"
                self._sleep(self._backoff(attempt))
                continue
            status = resp.status_code
            if status == 429:
                last = "the shop asks us to slow down (429)"
                self._sleep(self._retry_after(resp, attempt))
                continue
            if status >= 500:
                last = f"the shop failed ({status})"
                self._sleep(self._backoff(attempt))
                continue
            body = self._json(resp)
            if status >= 400:
                said = _messages(body.get("errors", "")) if isinstance(body, dict) else ""
                raise ShopError(
                    f"the shop refused the request ({status})" + (f": {said}" if said else ""),
                    retryable=False,
                    status=status,
                )
            if not isinstance(body, dict):
                last = "the shop answered with something that is not JSON"
                self._sleep(self._backoff(attempt))
                continue
            self._note_cost(body.get("extensions"))
            errors = body.get("errors")
            if errors:
                if _throttled(errors):
                    last = "throttled by the shop"
                    self._sleep(max(self._wait_before_next, self._backoff(attempt)))
                    self._wait_before_next = 0.0
                    continue
                raise ShopError(f"the shop said: {_messages(errors)}", retryable=False)
            data = body.get("data")
            if not isinstance(data, dict):
                last = "the shop's answer has no data"
                self._sleep(self._backoff(attempt))
                continue
            return data
        raise ShopError(f"{last}; gave up after {self.max_attempts} tries", retryable=True)

    @staticmethod
    def _json(resp: httpx.Response) -> Any:
        try:
            return resp.json()
        except ValueError:
            return None

    def _retry_after(self, resp: httpx.Response, attempt: int) -> float:
        try:
            return min(MAX_WAIT, max(0.0, float(resp.headers.get("Retry-After", ""))))
        except ValueError:
            return self._backoff(attempt)

    def _note_cost(self, extensions: Any) -> None:
        """Wait before the next call if the leaky bucket is nearly empty."""
        try:
            cost = extensions["cost"]
            status = cost["throttleStatus"]
            available = float(status["currentlyAvailable"])
            rate = float(status["restoreRate"]) or 1.0
            wanted = float(cost.get("requestedQueryCost") or LOW_WATER)
        except (KeyError, TypeError, ValueError):
            return
        if available < max(wanted, LOW_WATER):
            self._wait_before_next = min(MAX_WAIT, (max(wanted, LOW_WATER) - available) / rate)

    # -- orders ------------------------------------------------------------------------

    def orders_page(
        self, search: str, after: str | None
    ) -> tuple[list[dict[str, Any]], str | None, bool]:
        """One page of orders by updated_at (oldest first): nodes, end cursor, more?"""
        data = self.query(ORDERS_QUERY, {"first": ORDER_PAGE, "after": after, "query": search})
        conn = data.get("orders") or {}
        page = conn.get("pageInfo") or {}
        return nodes(conn), page.get("endCursor"), bool(page.get("hasNextPage"))

    def order_by_name(self, name: str) -> str | None:
        """The gid of the order named ``name`` (e.g. #1001), for orders imported from a CSV."""
        quoted = name.replace("\\", "\\\\").replace('"', '\\"')
        data = self.query(ORDER_BY_NAME_QUERY, {"query": f'name:"{quoted}"'})
        for node in nodes(data.get("orders")):
            if node.get("name") == name:
                return node.get("id")
        return None

    # -- fulfilments -----------------------------------------------------------------

    def fulfillment_state(self, order_id: str) -> dict[str, Any]:
        """The order's fulfilment orders (with line items) and its fulfilments' numbers."""
        data = self.query(FULFILLMENT_ORDERS_QUERY, {"id": order_id})
        order = data.get("order")
        if not isinstance(order, dict):
            raise ShopError(f"the shop has no order {order_id}", retryable=False)
        return order

    def create_fulfillment(
        self,
        line_items: list[dict[str, Any]],
        *,
        company: str,
        number: str,
        url: str,
        notify: bool,
    ) -> str:
        """``fulfillmentCreate``; the new fulfilment's gid, or ShopError with the userErrors."""
        variables = {
            "fulfillment": {
                "lineItemsByFulfillmentOrder": line_items,
                "trackingInfo": {"company": company, "number": number, "url": url},
                "notifyCustomer": notify,
            }
        }
        try:
            data = self.query(FULFILLMENT_CREATE, variables)
            result = data.get("fulfillmentCreate") or {}
        except ShopError as exc:
            if "fulfillmentCreate" not in exc.message or exc.retryable:
                raise
            # A shop (or proxy) without the newer mutation: the V2 one takes the same input.
            data = self.query(FULFILLMENT_CREATE_V2, variables)
            result = data.get("fulfillmentCreateV2") or {}
        errors = result.get("userErrors") or []
        if errors:
            raise ShopError(
                f"the shop refused the fulfilment: {_messages(errors)}", retryable=False
            )
        fulfillment = result.get("fulfillment") or {}
        return str(fulfillment.get("id", ""))

    # -- stock -----------------------------------------------------------------------

    def location(self) -> str:
        if self.config.location_id:
            return self.config.location_id
        data = self.query(LOCATIONS_QUERY)
        for node in nodes(data.get("locations")):
            if node.get("id") and node.get("isActive", True) is not False:
                return str(node["id"])
        raise ShopError("the shop has no active location to put stock in", retryable=False)

    def inventory_items(self, skus: list[str]) -> dict[str, str]:
        """SKU -> inventory item gid, for the SKUs the shop has as variants."""
        found: dict[str, str] = {}
        for start in range(0, len(skus), 50):
            chunk = skus[start : start + 50]
            search = " OR ".join(f'sku:"{s.replace(chr(34), "")}"' for s in chunk)
            data = self.query(VARIANTS_QUERY, {"first": 100, "query": search})
            for node in nodes(data.get("productVariants")):
                item = node.get("inventoryItem") or {}
                if node.get("sku") in chunk and item.get("id"):
                    found[node["sku"]] = str(item["id"])
        return found

    def customs_facts(self, skus: list[str]) -> dict[str, dict[str, str]]:
        """SKU -> the customs facts Shopify keeps per variant: ``hs_code`` and
        ``origin_country`` (its inventory item's harmonizedSystemCode and
        countryCodeOfOrigin, which the products CSV export does not carry) and ``price``
        (the variant's price in the shop's currency). Empty strings where the shop has none."""
        found: dict[str, dict[str, str]] = {}
        for start in range(0, len(skus), 50):
            chunk = skus[start : start + 50]
            search = " OR ".join(f'sku:"{s.replace(chr(34), "")}"' for s in chunk)
            data = self.query(CUSTOMS_QUERY, {"first": 100, "query": search})
            for node in nodes(data.get("productVariants")):
                if node.get("sku") not in chunk:
                    continue
                item = node.get("inventoryItem") or {}
                found[node["sku"]] = {
                    "hs_code": str(item.get("harmonizedSystemCode") or ""),
                    "origin_country": str(item.get("countryCodeOfOrigin") or ""),
                    "price": str(node.get("price") or ""),
                }
        return found

    def set_available(self, location_id: str, quantities: dict[str, int]) -> None:
        """``inventorySetQuantities`` of 'available' at one location (item gid -> units)."""
        items = list(quantities.items())
        for start in range(0, len(items), 100):
            chunk = items[start : start + 100]
            variables = {
                "input": {
                    "name": "available",
                    "reason": "correction",
                    "ignoreCompareQuantity": True,
                    "quantities": [
                        {"inventoryItemId": item, "locationId": location_id, "quantity": qty}
                        for item, qty in chunk
                    ],
                }
            }
            data = self.query(INVENTORY_SET, variables)
            errors = (data.get("inventorySetQuantities") or {}).get("userErrors") or []
            if errors:
                raise ShopError(
                    f"the shop refused the stock levels: {_messages(errors)}", retryable=False
                )


FULFILLMENT_CREATE_V2 = """
mutation WmsFulfillV2($fulfillment: FulfillmentV2Input!) {
  fulfillmentCreateV2(fulfillment: $fulfillment) {
    fulfillment { id status }
    userErrors { field message }
  }
}
"""
