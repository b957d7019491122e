"""What a priority is doing about its measures, and what is said about them: plain records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dashboard.model import ActionStatus

ACTION_STATUS_LABELS: dict[ActionStatus, str] = {
    ActionStatus.ACHIEVED: "Achieved",
    ActionStatus.IN_PROGRESS: "In progress",
    ActionStatus.NOT_STARTED: "Not started",
}


@dataclass(frozen=True, slots=True)
class ActionItem:
    """One objective of a priority's action plan (achieved ones stay, marked achieved)."""

    priority: int
    objective: str
    update: str
    actions: str
    status: ActionStatus
    key: str = ""  # stable across reloads and edits


@dataclass(frozen=True, slots=True)
class FundedProject:
    priority: int | None
    theme: str
    project: str
    amount_gbp: float
    outcomes: str
    period: str
    source: str


@dataclass(frozen=True, slots=True)
class Commentary:
    """Text about one measure for one period, with its author."""

    period: str
    text: str
    author: str
    created_at: datetime
