"""Read a Dash component tree as a user would: its words, and the components in it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dash.development.base_component import Component


def walk(node: Any) -> Iterator[Any]:
    if isinstance(node, list | tuple):
        for child in node:
            yield from walk(child)
    elif isinstance(node, Component):
        yield node
        yield from walk(getattr(node, "children", None))
    elif node is not None:
        yield node


def text(node: Any) -> str:
    """Every string in the tree, joined by spaces."""
    return " ".join(str(n) for n in walk(node) if isinstance(n, str | int | float))


def find(node: Any, kind: type, **props: Any) -> list[Any]:
    return [
        n
        for n in walk(node)
        if isinstance(n, kind) and all(getattr(n, k, None) == v for k, v in props.items())
    ]
