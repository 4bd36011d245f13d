"""The insert checklist: house rules text and order tags."""

from __future__ import annotations

import pytest

from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Order
from wms_tui.services.core import settings
from wms_tui.services.packing import inserts
from wms_tui.services.packing.state import inserts_for
from wms_tui.store import Store

DEFAULT_RULES = settings.DEFAULTS[inserts.SETTING_KEY]


def keys(order: Order, text: str = DEFAULT_RULES) -> list[str]:
    return [i.key for i in inserts.checklist(inserts.parse_rules(text), order)]


def test_default_rules_follow_tags_and_gift_message() -> None:
    assert keys(Order(name="#1")) == ["return-form"]
    assert keys(Order(name="#2", tags="vip,manual")) == ["return-form", "vip-card", "manual"]
    gift = Order(name="#3", tags="gift-wrap", gift_message="Grattis!")
    assert keys(gift) == ["return-form", "gift-wrap", "orientation", "gift-note"]
    assert keys(Order(name="#4", gift_message="   ")) == ["return-form"]


def test_the_default_is_a_house_rule_read_through_settings(empty_store: Store) -> None:
    gift = Order(name="#1", tags="gift-wrap", gift_message="Grattis!")
    with empty_store.read() as s:
        assert settings.get(s, "insert_rules") == DEFAULT_RULES
        assert settings.all_settings(s)["insert_rules"] == DEFAULT_RULES
        assert [i.key for i in inserts_for(s, gift)] == keys(gift)
    with empty_store.unit_of_work() as uow:
        settings.put(uow.session, "insert_rules", "tag:gift-wrap | ribbon | Red ribbon")
        uow.commit()
    with empty_store.read() as s:
        assert settings.all_settings(s)["insert_rules"] == "tag:gift-wrap | ribbon | Red ribbon"
        assert [i.key for i in inserts_for(s, gift)] == ["ribbon"]


def test_house_rules_replace_the_defaults() -> None:
    text = """
    # no return form in this house
    tag:b2b | invoice | Invoice on top
    TAG:B2B | invoice | Said twice, listed once
    always | flyer | Autumn flyer
    """
    assert keys(Order(name="#1", tags="b2b"), text) == ["invoice", "flyer"]


@pytest.mark.parametrize(
    ("line", "match"),
    [
        ("always | only-two", "needs 'condition | key | label'"),
        ("sometimes | x | y", "condition must be always, gift-message or tag:<tag>"),
        ("tag: | x | y", "condition must be"),
        ("always |  | y", "needs 'condition | key | label'"),
    ],
)
def test_malformed_rules_name_the_line(line: str, match: str) -> None:
    with pytest.raises(DomainError, match=match) as info:
        inserts.parse_rules(f"always | a | A\n{line}")
    assert "line 2" in str(info.value)
