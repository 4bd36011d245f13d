"""What goes into a parcel besides the goods: the per-order insert checklist.

The rules are the ``insert_rules`` setting (a house rule; its default is in
:data:`wms_tui.services.core.settings.DEFAULTS`), one rule per line::

    condition | key | what the packer must do [| what the packing slip lists]

``condition`` is ``always``, ``tag:<tag>`` (the order carries that tag) or
``gift-message`` (the order has a gift message). ``key`` names the item in the
log. The slip is the customer's: it lists only the fourth field, what they
find in the parcel ("Gift note"), never the packer's instruction ("... no
prices in the parcel"); a rule without one ("Brand side up ...") is not on it.
Lines starting with ``#`` and blank lines are ignored. A house that wants no
return form deletes that line from the setting; a rule repeated under several
conditions is listed once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from wms_tui.domain.errors import DomainError
from wms_tui.domain.models import Order

SETTING_KEY = "insert_rules"


@dataclass(frozen=True)
class Rule:
    condition: str
    key: str
    label: str
    slip: str = ""

    def applies(self, tags: frozenset[str], gift_message: str) -> bool:
        if self.condition == "always":
            return True
        if self.condition == "gift-message":
            return bool(gift_message.strip())
        if self.condition.startswith("tag:"):
            return self.condition[4:] in tags
        return False


@dataclass(frozen=True)
class Insert:
    key: str
    label: str  # the packer's instruction
    slip: str = ""  # what the customer reads on the packing slip; "" = not listed


@lru_cache(maxsize=16)
def parse_rules(text: str) -> tuple[Rule, ...]:
    """Rules from the setting text; a malformed line is an error naming the line."""
    rules: list[Rule] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) not in (3, 4) or not all(parts[:3]):
            raise DomainError(
                f"Insert rule line {n} needs 'condition | key | label [| slip text]': {line!r}"
            )
        condition, key, label, slip = (*parts, "")[:4]
        condition = condition.lower()
        if not (
            condition in ("always", "gift-message")
            or (condition.startswith("tag:") and len(condition) > 4)
        ):
            raise DomainError(
                f"Insert rule line {n}: condition must be always, gift-message or tag:<tag>"
            )
        rules.append(Rule(condition, key.lower(), label, slip))
    return tuple(rules)


def checklist(rules: tuple[Rule, ...], order: Order) -> list[Insert]:
    """The inserts ``order`` needs, in rule order, each key once."""
    tags = order.tag_set
    seen: dict[str, Insert] = {}
    for rule in rules:
        if rule.key not in seen and rule.applies(tags, order.gift_message or ""):
            seen[rule.key] = Insert(rule.key, rule.label, rule.slip)
    return list(seen.values())
