"""The waves as the supervisor's screen lists them: newest first, each task with its picker,
progress and route length.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from wms_tui.domain.enums import (
    WaveStatus,
)
from wms_tui.domain.models import (
    Operator,
    PickTask,
    PickTaskLine,
    Wave,
)
from wms_tui.store import Store


@dataclass(frozen=True)
class TaskRow:
    code: str
    status: str
    picker: str
    terminal: str
    pack_station: str
    orders: int
    stops: int
    stops_done: int
    units: int
    units_picked: int
    units_short: int
    route_length_m: float


@dataclass(frozen=True)
class WaveRow:
    code: str
    status: str
    created_at: datetime
    created_by: str
    rule: str
    tasks: tuple[TaskRow, ...]


# --------------------------------------------------------------------------- overview


def list_waves(store: Store, *, limit: int = 20, include_done: bool = True) -> list[WaveRow]:
    """Newest waves first, with their tasks and progress."""
    with store.read() as s:
        stmt = select(Wave).order_by(col(Wave.id).desc()).limit(limit)
        if not include_done:
            stmt = stmt.where(Wave.status != WaveStatus.DONE)
        waves = s.exec(stmt).all()
        names = {op.id: op.name for op in s.exec(select(Operator))}
        out: list[WaveRow] = []
        for wave in waves:
            tasks = s.exec(
                select(PickTask).where(PickTask.wave_id == wave.id).order_by(PickTask.code)
            ).all()
            rows = []
            for task in tasks:
                lines = s.exec(select(PickTaskLine).where(PickTaskLine.task_id == task.id)).all()
                rows.append(
                    TaskRow(
                        code=task.code,
                        status=str(task.status),
                        picker=names.get(task.picker_id, "") if task.picker_id else "",
                        terminal=task.terminal,
                        pack_station=task.pack_station,
                        orders=len({ln.tote_id for ln in lines}),
                        stops=len(lines),
                        stops_done=sum(1 for ln in lines if ln.done),
                        units=sum(ln.qty for ln in lines),
                        units_picked=sum(ln.qty_picked for ln in lines),
                        units_short=sum(ln.qty_short for ln in lines),
                        route_length_m=task.route_length_m,
                    )
                )
            out.append(
                WaveRow(
                    code=wave.code,
                    status=str(wave.status),
                    created_at=wave.created_at,
                    created_by=names.get(wave.created_by_id, "") if wave.created_by_id else "",
                    rule=wave.rule,
                    tasks=tuple(rows),
                )
            )
        return out
