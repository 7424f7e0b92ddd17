"""Data generations: one counter per process and area, raised in the transaction of every write."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import db


class DataGeneration(db.Model):
    """process_id 0 holds the installation-wide areas (organisations and people)."""

    __tablename__ = "data_generation"

    process_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    area: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)
