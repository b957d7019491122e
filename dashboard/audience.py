"""Who is asking, as a plain hashable value: it is part of every cache key."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, repr=False)
class Audience:
    member_of: frozenset[str] = frozenset()  # partnership slugs; empty = the public

    def __repr__(self) -> str:
        # Sorted, so the cache key is the same in every worker (set order varies by process)
        return f"Audience({sorted(self.member_of)!r})"

    def is_member(self, slug: str) -> bool:
        return slug in self.member_of

    @property
    def is_public(self) -> bool:
        return not self.member_of


PUBLIC = Audience()
