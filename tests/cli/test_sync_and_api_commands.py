"""``wms sync``, ``wms api-keys`` and ``wms serve``: messages and exit codes."""

from __future__ import annotations

import os
from pathlib import Path

from typer.testing import CliRunner

from tests.fakes.shopify_admin import FakeShop, order_node
from tests.worlds import factories as f
from tests.worlds import intake as w
from wms_tui.cli.main import app
from wms_tui.store import Store

runner = CliRunner()


def store_with_boss(tmp_path: Path) -> str:
    db = str(tmp_path / "wms.db")
    assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
    store = Store(f"sqlite:///{db}")
    w.shop(store)
    with store.unit_of_work() as uow:
        f.operator(uow, "Karin Holmgren", "supervisor", badge="S9001")
        f.operator(uow, "Ana Lindqvist", "picker", badge="P1001", pin=f.SUPERVISOR_PIN)
        uow.commit()
    store.dispose()
    return db


def test_api_keys_create_list_revoke(tmp_path: Path) -> None:
    db = store_with_boss(tmp_path)
    made = runner.invoke(
        app, ["api-keys", "create", "brand-erp", "--scope", "read", "--scope", "write",
              "--badge", "S9001", "--db", db],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    key = made.output.splitlines()[1]
    assert key.startswith("wms_") and "not shown again" in made.output
    listed = runner.invoke(app, ["api-keys", "list", "--db", db])
    assert "brand-erp" in listed.output and "read,write" in listed.output
    assert key not in listed.output
    again = runner.invoke(app, ["api-keys", "create", "brand-erp", "--badge", "S9001", "--db", db])
    assert again.exit_code == 2 and "already a key named brand-erp" in again.output
    picker = runner.invoke(app, ["api-keys", "create", "x", "--badge", "P1001", "--db", db])
    assert picker.exit_code == 2 and "needs the supervisor role" in picker.output
    bad = runner.invoke(
        app, ["api-keys", "create", "x", "--scope", "admin", "--badge", "S9001", "--db", db]
    )
    assert bad.exit_code == 2 and "Unknown scope 'admin'" in bad.output
    gone = runner.invoke(app, ["api-keys", "revoke", "brand-erp", "--badge", "S9001", "--db", db])
    assert gone.exit_code == 0 and "revoked" in gone.output
    assert "revoked" in runner.invoke(app, ["api-keys", "list", "--db", db]).output


def test_sync_without_a_shop_says_what_to_set(tmp_path: Path, monkeypatch) -> None:
    db = store_with_boss(tmp_path)
    for name in list(os.environ):
        if name.startswith("WMS_SHOPIFY"):
            monkeypatch.delenv(name)
    done = runner.invoke(app, ["sync", "--db", db])
    assert done.exit_code == 2 and "set WMS_SHOPIFY_SHOP" in done.output
    monkeypatch.setenv("WMS_SHOPIFY_SHOP", "x.myshopify.com")
    done = runner.invoke(app, ["sync", "--db", db])
    assert done.exit_code == 2 and "WMS_SHOPIFY_TOKEN_FILE" in done.output
    token = tmp_path / "token"
    token.write_text("shpat_secret_value\n")
    token.chmod(0o644)
    monkeypatch.setenv("WMS_SHOPIFY_TOKEN_FILE", str(token))
    done = runner.invoke(app, ["sync", "--db", db])
    assert done.exit_code == 2 and f"chmod 600 {token}" in done.output
    assert "shpat_secret_value" not in done.output


def test_sync_once_against_the_fake_shop(tmp_path: Path, monkeypatch) -> None:
    db = store_with_boss(tmp_path)
    shop = FakeShop()
    url = shop.start()
    try:
        shop.add_order(order_node(1001, [("MUG-FIKA", 1)]))
        shop.add_order(order_node(1002, [("NO-SUCH-SKU", 1)]))
        token = tmp_path / "token"
        token.write_text(shop.token)
        token.chmod(0o600)
        monkeypatch.setenv("WMS_SHOPIFY_SHOP", url)
        monkeypatch.setenv("WMS_SHOPIFY_TOKEN_FILE", str(token))
        done = runner.invoke(app, ["sync", "--db", db, "--badge", "S9001"])
        assert done.exit_code == 0, done.output
        assert "orders: 2 created, 1 held" in done.output
        assert shop.token not in done.output
    finally:
        shop.stop()


def test_sync_runs_as_a_named_service_account(tmp_path: Path, monkeypatch) -> None:
    """No badge, or a picker's badge: refused in one line, the store as it was;
    the cron feed's own account is named in the event log for what it imported."""
    from sqlmodel import select

    from tests.worlds.dbstate import snapshot
    from wms_tui.domain.models import Event

    db = store_with_boss(tmp_path)
    store = Store(f"sqlite:///{db}")
    with store.unit_of_work() as uow:
        f.operator(uow, "Shop feed", "supervisor", badge="CRON-SHOP", pin="4711")
        uow.commit()
    shop = FakeShop()
    url = shop.start()
    try:
        shop.add_order(order_node(1001, [("MUG-FIKA", 1)]))
        token = tmp_path / "token"
        token.write_text(shop.token)
        token.chmod(0o600)
        monkeypatch.setenv("WMS_SHOPIFY_SHOP", url)
        monkeypatch.setenv("WMS_SHOPIFY_TOKEN_FILE", str(token))
        monkeypatch.delenv("WMS_BADGE", raising=False)
        before = snapshot(store)
        done = runner.invoke(app, ["sync", "--db", db])
        assert done.exit_code == 2 and "Say who you are: --badge" in done.output
        done = runner.invoke(app, ["sync", "--db", db, "--badge", "P1001"])
        assert done.exit_code == 2 and "may not sync with the shop" in done.output
        assert snapshot(store) == before
        assert not shop.requests
        done = runner.invoke(app, ["sync", "--db", db, "--badge", "CRON-SHOP", "--pin", "4711"])
        assert done.exit_code == 0, done.output
        with store.read() as s:
            who = s.exec(
                select(Event.operator_name, Event.terminal).where(Event.order_name == "#1001")
            ).all()
        assert who and set(who) == {("Shop feed", "sync")}
    finally:
        shop.stop()
        store.dispose()


def test_serve_has_the_api_command() -> None:
    done = runner.invoke(app, ["serve", "api", "--help"])
    assert done.exit_code == 0 and "127.0.0.1" in done.output


def test_api_keys_list_shows_use(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from wms_tui.api.app import create_app

    db = store_with_boss(tmp_path)
    made = runner.invoke(app, ["api-keys", "create", "erp", "--badge", "S9001", "--db", db])
    key = made.output.splitlines()[1]
    assert "never used" in runner.invoke(app, ["api-keys", "list", "--db", db]).output
    store = Store(f"sqlite:///{db}")
    with TestClient(create_app(store)) as client:
        r = client.get("/stock/MUG-FIKA", headers={"Authorization": f"Bearer {key}"})
        assert r.status_code == 200
    store.dispose()
    listed = runner.invoke(app, ["api-keys", "list", "--db", db]).output
    assert "used 20" in listed and "never used" not in listed


def test_shop_customs_fills_products_and_names_the_shops_bad_values(
    tmp_path: Path, monkeypatch
) -> None:
    db = store_with_boss(tmp_path)
    shop = FakeShop()
    url = shop.start()
    try:
        shop.customs = {"MUG-FIKA": ("691200", "se", "149.00")}
        token = tmp_path / "token"
        token.write_text(shop.token)
        token.chmod(0o600)
        monkeypatch.setenv("WMS_SHOPIFY_SHOP", url)
        monkeypatch.setenv("WMS_SHOPIFY_TOKEN_FILE", str(token))
        picker = runner.invoke(app, ["import", "shop-customs", "--badge", "P1001", "--db", db])
        assert picker.exit_code == 2 and "needs the supervisor role" in picker.output
        done = runner.invoke(app, ["import", "shop-customs", "--badge", "S9001", "--db", db])
        assert done.exit_code == 0, done.output
        first = done.output.splitlines()[0]
        assert first.startswith(f"Customs data from {url}: 1 of ") and first.endswith(
            "incomplete products filled in"
        )
        assert "Still without full customs data: " in done.output
        assert "MUG-FIKA" not in done.output.split("Still without")[1]
        shop.customs["MUG-FIKA"] = ("6912", "SE", "149.00")
        store = Store(f"sqlite:///{db}")
        with store.unit_of_work() as uow:
            from sqlmodel import select

            from wms_tui.domain.models import Product

            mug = uow.session.exec(select(Product).where(Product.sku == "MUG-FIKA")).one()
            assert (mug.hs_code, mug.origin_country) == ("691200", "SE")
            mug.hs_code = ""
            uow.add(mug)
            uow.commit()
        store.dispose()
        bad = runner.invoke(app, ["import", "shop-customs", "--badge", "S9001", "--db", db])
        assert bad.exit_code == 0, bad.output
        assert (
            "refused: MUG-FIKA: the shop's HS code: '6912' is not an HS code (6 to 10 digits, "
            "like 610910)" in bad.output
        )
    finally:
        shop.stop()
