"""The unit of work's retry: a use case that lost a race runs again, a bounded
number of times, then says so in one line; any other error passes untouched."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from wms_tui.domain.errors import Conflict, StoreBusy, StoreError
from wms_tui.store import retrying
from wms_tui.store.retry import MAX_ATTEMPTS, is_transient, retries_so_far


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


def _lost(sqlstate: str) -> OperationalError:
    return OperationalError("UPDATE …", {}, _PgError(sqlstate))


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (_lost("40P01"), True),  # deadlock_detected
        (_lost("40001"), True),  # serialization_failure
        (IntegrityError("INSERT …", {}, _PgError("23505")), True),  # unique_violation
        (OperationalError("BEGIN", {}, Exception("database is locked")), True),  # SQLite
        (IntegrityError("INSERT …", {}, _PgError("23503")), False),  # foreign key: a bug
        (OperationalError("SELECT", {}, Exception("no such table: x")), False),
        (ValueError("x"), False),
    ],
)
def test_which_errors_are_retried(error: Exception, transient: bool) -> None:
    assert is_transient(error) is transient


def test_a_use_case_that_lost_a_deadlock_runs_again() -> None:
    calls: list[int] = []

    @retrying
    def use_case(x: int) -> int:
        calls.append(x)
        if len(calls) < 3:
            raise _lost("40P01")
        return x * 2

    before = retries_so_far()
    assert use_case(21) == 42
    assert calls == [21, 21, 21]
    assert retries_so_far() - before == 2


def test_after_the_last_attempt_one_line_and_a_conflict_screens_show() -> None:
    calls: list[int] = []

    @retrying
    def use_case() -> None:
        calls.append(1)
        raise _lost("40001")

    with pytest.raises(StoreBusy) as err:
        use_case()
    assert len(calls) == MAX_ATTEMPTS
    assert isinstance(err.value, StoreError) and isinstance(err.value, Conflict)
    assert "\n" not in str(err.value) and "nothing was changed" in str(err.value)


def test_other_errors_are_not_retried() -> None:
    calls: list[int] = []

    @retrying
    def use_case() -> None:
        calls.append(1)
        raise Conflict("Task W0001-01 is being picked by Ana")

    with pytest.raises(Conflict):
        use_case()
    assert calls == [1]


def test_a_use_case_inside_another_is_rerun_by_the_outer_one_only() -> None:
    inner_calls: list[int] = []
    outer_calls: list[int] = []

    @retrying
    def inner() -> None:
        inner_calls.append(1)
        if len(inner_calls) == 1:
            raise _lost("40P01")

    @retrying
    def outer() -> str:
        outer_calls.append(1)
        inner()
        return "done"

    assert outer() == "done"
    assert outer_calls == [1, 1] and inner_calls == [1, 1]
