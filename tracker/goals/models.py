"""Guiding goals (Leitziele): the chapters of the plan."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db

if TYPE_CHECKING:
    from tracker.processes.models import Process


class GuidingGoal(db.Model):
    __tablename__ = "guiding_goal"
    __table_args__ = (UniqueConstraint("process_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    introduction: Mapped[str] = mapped_column(Text, default="")
    objective: Mapped[str] = mapped_column(Text, default="")  # "Unser Ziel"
    version: Mapped[int] = mapped_column(default=1)

    process: Mapped[Process] = relationship(back_populates="goals")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<GuidingGoal {self.number} {self.title!r}>"
