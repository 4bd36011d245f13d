"""NUL in typed or imported text: one line, nothing changed, on both stores.

On PostgreSQL a NUL byte reached psycopg and came back as a DataError that
crashed the caller (51 of the fuzz's crashes there).
"""

from __future__ import annotations

import pytest

from tests.conftest import actor
from tests.worlds.dbstate import snapshot
from wms_tui.domain.errors import DomainError
from wms_tui.services.returns.reasons import put_reason
from wms_tui.store import Store


@pytest.mark.parametrize("text", ["Torn\x00", "\x00", "a\x00b" * 100])
def test_text_with_nul_is_refused_before_the_database(empty_store: Store, text: str) -> None:
    before = snapshot(empty_store)
    with pytest.raises(DomainError) as info:
        put_reason(empty_store, "TORN", text, "customer", actor("Karin", "supervisor"))
    assert str(info.value) == "Text with a NUL character (\\x00) cannot be stored: retype it"
    assert snapshot(empty_store) == before
    # Still usable afterwards.
    put_reason(empty_store, "TORN", "Torn", "customer", actor("Karin", "supervisor"))
