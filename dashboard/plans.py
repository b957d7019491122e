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


# --- action plan text ----------------------------------------------------------------------------
# An item's update and actions are plain text kept as the plan wrote them: one paragraph a line,
# "• " starting a bullet, and a blank line between the rows of a plan's table, so the n-th row of
# the update goes with the n-th row of the actions (the plan's "Update on 2018/19 actions" beside
# its "Actions 2019/20").

BULLET = "•"


@dataclass(frozen=True, slots=True)
class TextBlock:
    """Consecutive lines of plan text: paragraphs, or the items of a bulleted list."""

    bullets: bool
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ActionStep:
    """One row of an item: what was done (the update) and the actions that follow from it."""

    update: tuple[TextBlock, ...]
    actions: tuple[TextBlock, ...]


def _rows(text: str) -> list[str]:
    rows = [row.strip("\n") for row in text.replace("\r\n", "\n").split("\n\n")]
    return rows if any(row.strip() for row in rows) else []


def text_blocks(text: str) -> tuple[TextBlock, ...]:
    """Plan text as paragraphs and bulleted lists, in order, each line's bullet mark removed."""
    blocks: list[TextBlock] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        bullet = line.startswith(BULLET)
        if bullet:
            line = line.removeprefix(BULLET).strip()
        if blocks and blocks[-1].bullets == bullet and bullet:
            blocks[-1] = TextBlock(True, (*blocks[-1].lines, line))
        else:
            blocks.append(TextBlock(bullet, (line,)))
    return tuple(blocks)


def action_steps(update: str, actions: str) -> tuple[ActionStep, ...]:
    """The item's rows, each update beside its actions. Texts whose rows do not pair up (a
    different number of rows) are one step: the whole update beside all the actions."""
    updates, planned = _rows(update), _rows(actions)
    if len(updates) != len(planned) or len(updates) < 2:
        updates, planned = [update], [actions]
    return tuple(
        ActionStep(text_blocks(u), text_blocks(a))
        for u, a in zip(updates, planned, strict=True)
        if u.strip() or a.strip()
    )
