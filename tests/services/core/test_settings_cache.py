"""House rules are read once per transaction, and a change made in it is seen."""

from __future__ import annotations

from sqlalchemy import event

from wms_tui.domain.models import Setting
from wms_tui.services.core import settings
from wms_tui.store import Store


def _statements(store: Store) -> list[str]:
    seen: list[str] = []
    for engine in {store.engine, store._write_engine}:
        event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    return seen


def test_unset_house_rules_cost_one_read_per_transaction(empty_store: Store) -> None:
    """Closing a parcel read five house rules left at their defaults: five
    round trips, since ``session.get`` caches no row that is not there."""
    seen = _statements(empty_store)
    with empty_store.read() as s:
        before = len(seen)
        values = [
            settings.get(s, k) for k in ("cart_size", "label_dir", "cart_size", "shop_currency")
        ]
        assert len([q for q in seen[before:] if "setting" in q]) == 1
    assert values[0] == settings.DEFAULTS["cart_size"]


def test_a_rule_written_in_the_transaction_is_read_back(empty_store: Store) -> None:
    with empty_store.unit_of_work() as uow:
        s = uow.session
        assert settings.get(s, "cart_size") == settings.DEFAULTS["cart_size"]
        settings.put(s, "cart_size", "6")
        assert settings.get(s, "cart_size") == "6"
        settings.put(s, "cart_size", "7")  # the row now exists: changed in place
        assert settings.get_int(s, "cart_size") == 7
        s.add(Setting(key="label_dir", value="/srv/labels"))  # a use case adding the row itself
        assert settings.get(s, "label_dir") == "/srv/labels"
        uow.flush()
        s.add(Setting(key="shop_currency", value="EUR"))
        uow.flush()  # flushed before the next read: the cache is dropped at the flush
        assert settings.get(s, "shop_currency") == "EUR"
        uow.commit()
    with empty_store.read() as s:
        assert [settings.get(s, k) for k in ("cart_size", "label_dir", "shop_currency")] == [
            "7",
            "/srv/labels",
            "EUR",
        ]
