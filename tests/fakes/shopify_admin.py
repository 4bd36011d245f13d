"""A fake Shopify Admin API on a loopback port, speaking the documented GraphQL shapes.

Good enough to drive the real client (``wms_tui.adapters.shopify.admin_api``)
over real HTTP: orders with line items, addresses, notes and tags, searched by
``updated_at:>=`` and ``name:``, paged with cursors; fulfilment orders and
``fulfillmentCreate`` (which refuses more units than remain); locations,
product variants and ``inventorySetQuantities``; cost extensions with a
throttle status on every answer. Faults are queued with ``fail_next``.

It answers by the root field a document asks for, not by parsing GraphQL.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

VERSION_PATH = re.compile(r"^/admin/api/(\d{4}-\d{2})/graphql\.json$")


@dataclass
class Fault:
    status: int = 200
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    throttled: bool = False


class FakeShop:
    def __init__(self, token: str = "shpat_test_token") -> None:
        self.token = token
        self.orders: dict[str, dict[str, Any]] = {}
        self.fulfillment_orders: dict[str, list[dict[str, Any]]] = {}
        self.fulfillments: dict[str, list[dict[str, Any]]] = {}
        self.created: list[dict[str, Any]] = []  # fulfillmentCreate inputs accepted
        self.variants: dict[str, str] = {}  # sku -> inventory item gid
        # sku -> (harmonizedSystemCode, countryCodeOfOrigin, price) as the shop keeps them
        self.customs: dict[str, tuple[str | None, str | None, str]] = {}
        self.levels: dict[tuple[str, str], int] = {}  # (item, location) -> available
        self.location = "gid://shopify/Location/1"
        self.faults: deque[Fault] = deque()
        self.requests: list[dict[str, Any]] = []
        self.versions: set[str] = set()
        self.available = 1000.0
        self.only_v2 = False  # an older shop: fulfillmentCreateV2 only
        self.edges = False  # answer connections as edges { node } instead of nodes
        self._ids = 100
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- test setup ----------------------------------------------------------

    def _next(self) -> int:
        self._ids += 1
        return self._ids

    def add_order(self, node: dict[str, Any]) -> dict[str, Any]:
        """An order node as the API returns it; its single fulfilment order is made here."""
        node = copy.deepcopy(node)
        oid = node["id"]
        self.orders[oid] = node
        self.fulfillment_orders[oid] = [
            {
                "id": f"gid://shopify/FulfillmentOrder/{self._next()}",
                "status": "OPEN",
                "lineItems": {
                    "nodes": [
                        {
                            "id": f"gid://shopify/FulfillmentOrderLineItem/{self._next()}",
                            "remainingQuantity": li.get("currentQuantity", li["quantity"]),
                            "lineItem": {"id": li["id"], "sku": li.get("sku")},
                        }
                        for li in node["lineItems"]["nodes"]
                        if li.get("requiresShipping", True)
                    ]
                },
            }
        ]
        self.fulfillments.setdefault(oid, [])
        return node

    def add_variant(self, sku: str) -> str:
        item = f"gid://shopify/InventoryItem/{self._next()}"
        self.variants[sku] = item
        return item

    def fail_next(self, *faults: Fault) -> None:
        self.faults.extend(faults)

    # -- serving -------------------------------------------------------------

    def start(self) -> str:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_a: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                status, body, headers = fake.handle(self.path, dict(self.headers), raw)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # -- answering -----------------------------------------------------------

    def handle(self, path: str, headers: dict[str, str], raw: bytes):
        m = VERSION_PATH.match(path)
        if not m:
            return 404, b'{"errors":"Not Found"}', {"Content-Type": "application/json"}
        self.versions.add(m.group(1))
        token = {k.lower(): v for k, v in headers.items()}.get("x-shopify-access-token")
        if token != self.token:
            body = b'{"errors":"[API] Invalid API key or access token (unrecognized login)"}'
            return 401, body, {"Content-Type": "application/json"}
        with self._lock:
            request = json.loads(raw)
            self.requests.append(request)
            if self.faults:
                fault = self.faults.popleft()
                if fault.throttled:
                    return 200, self._throttled(), {"Content-Type": "application/json"}
                return fault.status, fault.body or b"", fault.headers
            data = self._answer(request["query"], request.get("variables") or {})
            body = {"data": data, "extensions": self._cost(10)}
            if "errors" in data:
                body = {"errors": data.pop("errors"), "extensions": self._cost(10)}
            return 200, json.dumps(body).encode(), {"Content-Type": "application/json"}

    def _cost(self, cost: int) -> dict[str, Any]:
        return {
            "cost": {
                "requestedQueryCost": cost,
                "actualQueryCost": cost,
                "throttleStatus": {
                    "maximumAvailable": 2000.0,
                    "currentlyAvailable": self.available,
                    "restoreRate": 100.0,
                },
            }
        }

    def _throttled(self) -> bytes:
        return json.dumps(
            {
                "errors": [
                    {
                        "message": "Throttled",
                        "extensions": {
                            "code": "THROTTLED",
                            "documentation": "https://shopify.dev/api/usage/rate-limits",
                        },
                    }
                ],
                "extensions": self._cost(50),
            }
        ).encode()

    def _answer(self, query: str, v: dict[str, Any]) -> dict[str, Any]:
        if self.only_v2 and "fulfillmentCreate(" in query:
            return {
                "errors": [
                    {"message": "Field 'fulfillmentCreate' doesn't exist on type 'Mutation'"}
                ]
            }
        if "fulfillmentCreateV2(" in query:
            return {"fulfillmentCreateV2": self._fulfill(v["fulfillment"])}
        if "fulfillmentCreate(" in query:
            return {"fulfillmentCreate": self._fulfill(v["fulfillment"])}
        if "inventorySetQuantities(" in query:
            return {"inventorySetQuantities": self._set_stock(v["input"])}
        if "productVariants(" in query and "harmonizedSystemCode" in query:
            skus = re.findall(r'sku:"([^"]*)"', v.get("query") or "")
            nodes = []
            for s in skus:
                if s in self.customs:
                    hs, origin, price = self.customs[s]
                    item = {"harmonizedSystemCode": hs, "countryCodeOfOrigin": origin}
                    nodes.append({"sku": s, "price": price, "inventoryItem": item})
            return {"productVariants": {"nodes": nodes}}
        if "productVariants(" in query:
            skus = re.findall(r'sku:"([^"]*)"', v.get("query") or "")
            nodes = [
                {
                    "id": f"gid://shopify/ProductVariant/{i}",
                    "sku": s,
                    "inventoryItem": {"id": self.variants[s]},
                }
                for i, s in enumerate(skus)
                if s in self.variants
            ]
            return {"productVariants": {"nodes": nodes}}
        if "locations(" in query:
            return {
                "locations": {
                    "nodes": [{"id": self.location, "name": "Warehouse", "isActive": True}]
                }
            }
        if re.search(r"\border\(id:", query):
            oid = v["id"]
            if oid not in self.orders:
                return {"order": None}
            return {
                "order": {
                    "id": oid,
                    "name": self.orders[oid]["name"],
                    "fulfillments": self.fulfillments[oid],
                    "fulfillmentOrders": {"nodes": self.fulfillment_orders[oid]},
                }
            }
        if "orders(" in query:
            return {"orders": self._orders(v)}
        return {"errors": [{"message": "Field doesn't exist on type 'QueryRoot'"}]}

    def _orders(self, v: dict[str, Any]) -> dict[str, Any]:
        search = v.get("query") or ""
        nodes = sorted(self.orders.values(), key=lambda n: (n["updatedAt"], n["id"]))
        if m := re.search(r"updated_at:>='([^']+)'", search):
            nodes = [n for n in nodes if n["updatedAt"] >= m.group(1).replace("+00:00", "Z")]
        if m := re.search(r'name:"([^"]+)"', search):
            nodes = [n for n in nodes if n["name"] == m.group(1)]
        start = 0
        if v.get("after"):
            start = int(base64.b64decode(v["after"]).decode()) + 1
        first = int(v.get("first") or 50)
        page = nodes[start : start + first]
        end = start + len(page) - 1
        listed: dict[str, Any] = (
            {"edges": [{"node": n, "cursor": ""} for n in page]} if self.edges else {"nodes": page}
        )
        return {
            **listed,
            "pageInfo": {
                "hasNextPage": start + first < len(nodes),
                "endCursor": base64.b64encode(str(end).encode()).decode() if page else None,
            },
        }

    def _fulfill(self, f: dict[str, Any]) -> dict[str, Any]:
        errors = []
        changes = []
        order_id = None
        for group in f["lineItemsByFulfillmentOrder"]:
            fo = next(
                (
                    (oid, fo)
                    for oid, fos in self.fulfillment_orders.items()
                    for fo in fos
                    if fo["id"] == group["fulfillmentOrderId"]
                ),
                None,
            )
            if fo is None:
                errors.append(
                    {"field": ["fulfillment"], "message": "Fulfillment order does not exist."}
                )
                continue
            order_id = fo[0]
            for item in group["fulfillmentOrderLineItems"]:
                li = next((x for x in fo[1]["lineItems"]["nodes"] if x["id"] == item["id"]), None)
                if li is None or item["quantity"] > li["remainingQuantity"]:
                    errors.append(
                        {
                            "field": ["fulfillment"],
                            "message": "Invalid fulfillment order line item quantity requested.",
                        }
                    )
                else:
                    changes.append((li, item["quantity"]))
        if errors:
            return {"fulfillment": None, "userErrors": errors}
        for li, qty in changes:
            li["remainingQuantity"] -= qty
        fid = f"gid://shopify/Fulfillment/{self._next()}"
        info = f.get("trackingInfo") or {}
        self.fulfillments[order_id].append(
            {
                "id": fid,
                "trackingInfo": [
                    {
                        "number": info.get("number"),
                        "company": info.get("company"),
                        "url": info.get("url"),
                    }
                ],
            }
        )
        self.created.append(f)
        return {"fulfillment": {"id": fid, "status": "SUCCESS"}, "userErrors": []}

    def _set_stock(self, data: dict[str, Any]) -> dict[str, Any]:
        errors = []
        for q in data["quantities"]:
            if q["inventoryItemId"] not in self.variants.values():
                errors.append(
                    {
                        "field": ["input"],
                        "message": "The specified inventory item could not be found.",
                        "code": "INVALID_INVENTORY_ITEM",
                    }
                )
        if errors:
            return {"inventoryAdjustmentGroup": None, "userErrors": errors}
        for q in data["quantities"]:
            self.levels[(q["inventoryItemId"], q["locationId"])] = q["quantity"]
        return {"inventoryAdjustmentGroup": {"reason": data.get("reason")}, "userErrors": []}


def order_node(
    number: int,
    lines: list[tuple[str, int]],
    *,
    updated: str = "2026-12-01T10:00:00Z",
    created: str = "2026-12-01T09:55:00Z",
    financial: str = "PAID",
    cancelled: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """An Order node as ``orders { nodes { … } }`` returns it."""
    node = {
        "id": f"gid://shopify/Order/{number}",
        "name": f"#{number}",
        "email": "asa@example.se",
        "phone": None,
        "createdAt": created,
        "updatedAt": updated,
        "cancelledAt": cancelled,
        "displayFinancialStatus": financial,
        "displayFulfillmentStatus": "UNFULFILLED",
        "note": "Leave at the door",
        "tags": ["vip"],
        "customAttributes": [{"key": "gift_message", "value": "Grattis!"}],
        "shippingAddress": {
            "name": "Åsa Öberg",
            "firstName": "Åsa",
            "lastName": "Öberg",
            "company": None,
            "address1": "Storgatan 1",
            "address2": None,
            "city": "Jönköping",
            "zip": "553 21",
            "provinceCode": None,
            "countryCodeV2": "SE",
            "phone": "+46701234567",
        },
        "shippingLine": {"title": "PostNord MyPack Collect", "code": "PN-COLLECT"},
        "lineItems": {
            "nodes": [
                {
                    "id": f"gid://shopify/LineItem/{number}{i}",
                    "sku": sku,
                    "name": sku.title(),
                    "quantity": qty,
                    "currentQuantity": qty,
                    "requiresShipping": True,
                    "originalUnitPriceSet": {
                        "shopMoney": {"amount": "19.90", "currencyCode": "SEK"}
                    },
                }
                for i, (sku, qty) in enumerate(lines)
            ]
        },
    }
    node.update(extra)
    return node


def webhook_body(**extra):
    """An ``orders/create`` webhook's JSON body as Shopify documents it; ``extra`` replaces keys."""
    body = {
        "id": 820982911946154508,
        "admin_graphql_api_id": "gid://shopify/Order/820982911946154508",
        "name": "#1001",
        "email": "jon@example.com",
        "created_at": "2026-12-01T10:00:00-05:00",
        "updated_at": "2026-12-01T10:05:00-05:00",
        "cancelled_at": None,
        "financial_status": "paid",
        "fulfillment_status": None,
        "note": "Ring twice",
        "note_attributes": [{"name": "Gift message", "value": "Happy birthday"}],
        "tags": "vip, gift-wrap",
        "shipping_address": {
            "name": "김지훈",
            "address1": "Sejong-daero 110",
            "city": "Seoul",
            "zip": "04524",
            "country_code": "KR",
            "province_code": None,
        },
        "shipping_lines": [{"title": "DHL Economy", "code": "DHL-ECO"}],
        "line_items": [
            {
                "id": 866550311766439020,
                "sku": "MUG-FIKA",
                "name": "Mug",
                "quantity": 3,
                "current_quantity": 2,
                "price": "199.00",
                "requires_shipping": True,
            },
            {
                "id": 1,
                "sku": "",
                "name": "Gift card",
                "quantity": 1,
                "price": "100.00",
                "requires_shipping": False,
            },
        ],
    }
    body.update(extra)
    return body
