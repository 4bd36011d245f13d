"""Alembic migrations, configured in code (no alembic.ini to lose).

``store.Store.create_schema`` builds a new database from the models and stamps
the head revision; an existing database is brought up to date with
``wms db upgrade``, which runs these migrations. ``tests/store/test_migrations.py``
checks that upgrading an empty database gives exactly the models' schema.
"""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config

HERE = Path(__file__).resolve().parent


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def upgrade(url: str) -> None:
    from alembic import command

    command.upgrade(alembic_config(url), "head")
