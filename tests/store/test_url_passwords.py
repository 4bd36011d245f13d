"""A database URL is never shown with its password: errors, `wms init`, `wms db upgrade`.

Those lines reach floor terminals, shell histories of colleagues looking over
a shoulder, and logs. Every message names the database through
``store.shown_url``; these tests give a password and look for it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from tests.conftest import BACKENDS, PG_BASE, drop_pg_schema, pg_schema_url, require_postgres
from wms_tui.cli import main as cli
from wms_tui.domain.errors import StoreError
from wms_tui.services.setup.schema_upgrade import upgrade_database
from wms_tui.store import Store, open_store
from wms_tui.store.urls import hide_password, shown_url

runner = CliRunner()
SECRET = "s3cr3t-Pw"


def with_password(url: str) -> str:
    """``url`` (whose user has none) with SECRET as the password; trust auth ignores it."""
    scheme, rest = url.split("://", 1)
    user, host = rest.split("@", 1)
    return f"{scheme}://{user}:{SECRET}@{host}"


@pytest.fixture
def pg_url_with_password() -> Iterator[str]:
    if "postgresql" not in BACKENDS:
        pytest.skip("PostgreSQL is not among WMS_TEST_BACKENDS")
    require_postgres()
    url, schema = pg_schema_url()
    yield with_password(url)
    drop_pg_schema(schema)


def test_shown_url_masks_the_password_of_any_url() -> None:
    assert shown_url(f"postgresql+psycopg://wms:{SECRET}@db.lan:5432/wms") == (
        "postgresql+psycopg://wms:***@db.lan:5432/wms"
    )
    assert shown_url("postgresql+psycopg://wms@db.lan/wms") == "postgresql+psycopg://wms@db.lan/wms"
    assert shown_url("sqlite:////srv/wms/wms.db") == "/srv/wms/wms.db"
    # Not a URL SQLAlchemy reads (the port is no number): still masked.
    assert shown_url(f"postgresql://wms:{SECRET}@db.lan:port/wms") == (
        "postgresql://wms:***@db.lan:port/wms"
    )
    assert hide_password(f"auth failed for {SECRET}", f"postgresql://u:{SECRET}@h/d") == (
        "auth failed for ***"
    )


def test_an_unreadable_url_is_refused_without_its_password() -> None:
    url = f"postgresql+psycopg://wms:{SECRET}@db.lan:port/wms"
    with pytest.raises(StoreError) as err:
        Store(url)
    assert str(err.value) == "Not a database URL: 'postgresql+psycopg://wms:***@db.lan:port/wms'"
    result = runner.invoke(cli.app, ["run", "--db", url])
    assert result.exit_code == 1 and SECRET not in result.output
    assert "wms:***@db.lan:port" in result.output


def test_an_unreachable_server_is_refused_without_the_password() -> None:
    # Port 1: nothing listens there, the connection is refused at once.
    url = f"postgresql+psycopg://wms:{SECRET}@127.0.0.1:1/wms"
    with pytest.raises(StoreError) as err:
        open_store(url)
    message = str(err.value)
    assert message.startswith("Cannot open database postgresql+psycopg://wms:***@127.0.0.1:1/wms: ")
    assert SECRET not in message


def test_an_empty_database_is_named_without_the_password(pg_url_with_password: str) -> None:
    url = pg_url_with_password
    shown = shown_url(url)
    assert "***" in shown and SECRET not in shown
    with pytest.raises(StoreError) as err:
        open_store(url)
    assert str(err.value) == f"Database {shown} is empty: run `wms init` or `wms demo`"
    with pytest.raises(StoreError) as err:
        upgrade_database(url)
    assert str(err.value) == f"Database {shown} is empty: run `wms init` or `wms demo`"
    for argv in (["run"], ["db", "upgrade"]):
        result = runner.invoke(cli.app, [*argv, "--db", url])
        assert result.exit_code == 1, result.output
        assert SECRET not in result.output and "is empty" in result.output


def test_init_and_upgrade_name_the_database_without_the_password(
    pg_url_with_password: str,
) -> None:
    url = pg_url_with_password
    created = runner.invoke(cli.app, ["init", "--db", url])
    assert created.exit_code == 0, created.output
    assert created.output.strip() == f"Created: {shown_url(url)}"
    again = runner.invoke(cli.app, ["init", "--db", url])
    assert again.output.strip() == f"Already initialised: {shown_url(url)}"
    upgraded = runner.invoke(cli.app, ["db", "upgrade", "--db", url])
    assert upgraded.exit_code == 0, upgraded.output
    assert SECRET not in upgraded.output and "***" in upgraded.output


def test_the_base_url_of_the_tests_has_no_password() -> None:
    """``with_password`` relies on it; a password here would make the tests above lie."""
    assert ":" not in PG_BASE.split("://", 1)[1].split("@", 1)[0]
