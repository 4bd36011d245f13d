"""The GraphQL documents the Admin API client sends, for the API version pinned in
:mod:`admin_api` (``API_VERSION``): orders, fulfilments, locations, variants' customs
facts and inventory levels.
"""

from __future__ import annotations

ORDER_FIELDS = """
  id name email phone createdAt updatedAt cancelledAt
  displayFinancialStatus displayFulfillmentStatus note tags
  customAttributes { key value }
  shippingAddress { name firstName lastName company address1 address2 city zip
                    provinceCode countryCodeV2 phone }
  shippingLine { title code }
  lineItems(first: 100) {
    nodes { id sku name quantity currentQuantity requiresShipping
            originalUnitPriceSet { shopMoney { amount currencyCode } } }
  }
"""

ORDERS_QUERY = """
query WmsOrders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes { ORDER_FIELDS }
    pageInfo { hasNextPage endCursor }
  }
}
""".replace("ORDER_FIELDS", ORDER_FIELDS)

ORDER_BY_NAME_QUERY = """
query WmsOrderByName($query: String) {
  orders(first: 5, query: $query) { nodes { id name } }
}
"""

FULFILLMENT_ORDERS_QUERY = """
query WmsFulfillmentOrders($id: ID!) {
  order(id: $id) {
    id name
    fulfillments(first: 50) { id trackingInfo { number } }
    fulfillmentOrders(first: 20) {
      nodes {
        id status
        lineItems(first: 100) {
          nodes { id remainingQuantity lineItem { id sku } }
        }
      }
    }
  }
}
"""

FULFILLMENT_CREATE = """
mutation WmsFulfill($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status }
    userErrors { field message }
  }
}
"""


LOCATIONS_QUERY = """
query WmsLocations { locations(first: 10) { nodes { id name isActive } } }
"""

CUSTOMS_QUERY = """
query WmsCustoms($first: Int!, $query: String) {
  productVariants(first: $first, query: $query) {
    nodes { sku price inventoryItem { harmonizedSystemCode countryCodeOfOrigin } }
  }
}
"""

VARIANTS_QUERY = """
query WmsVariants($first: Int!, $query: String) {
  productVariants(first: $first, query: $query) { nodes { id sku inventoryItem { id } } }
}
"""

INVENTORY_SET = """
mutation WmsSetStock($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { reason }
    userErrors { field message code }
  }
}
"""
