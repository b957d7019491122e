"""Tests that try to break in: a marker value sits in an unpublished reporting point and in a
non-public measure, and no route — API, open data, page, embed or Dash callback, with any inputs —
may show it to the public or to a member of another partnership (PRODUCT.md sections 2 and 4).
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, unquote

import numpy as np
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from data_access import db
from data_access.cache import cache
from data_access.imports import import_results
from data_access.tables import MeasureRow, PartnershipRow, PeriodRow
from tests.probe import load_probe
from tests.signing import GLOUCESTER_MEMBER, SOUTH_GLOS_MEMBER, sign_in

# Unpublished point: south-glos is published up to 2018/19; 12m to 2019-09 (= 2019/20 H1's end)
# is provisional. MARAC repeat victimisation is shared within the partnership only.
PUBLIC_MEASURE_MARKER = 987654.321
PRIVATE_MEASURE_MARKER = 12.345678
PRIVATE_SOURCE_MARKER = "MARKER-MARAC-SOURCE-7Q"
_MARAC = f"MARAC_REPEAT_VICTIMISATION_PCT,{{}},E06000025,{PRIVATE_MEASURE_MARKER}"
MARKER_ROWS = (
    "measure_code,period,area_code,value,source\n"
    f"CRIME_TOTAL_RATE,12m to 2019-09,E06000025,{PUBLIC_MEASURE_MARKER},unpublished marker\n"
    f"{_MARAC.format('2018/19')},{PRIVATE_SOURCE_MARKER}\n"
    f"{_MARAC.format('12m to 2019-09')},{PRIVATE_SOURCE_MARKER}\n"
)
# A correction to a published figure, loaded after publication: public only once published again
CORRECTION_MARKER = 876543.21
CORRECTION_ROW = f"CRIME_TOTAL_RATE,2018/19,E06000025,{CORRECTION_MARKER},late correction\n"
MARKER_TEXTS = (
    "987654.32",
    "987,654.3",
    "987654",
    "876543",
    "876,543",
    "12.345678",
    "12.3456",
    PRIVATE_SOURCE_MARKER,
)
MARKER_VALUES = (PUBLIC_MEASURE_MARKER, PRIVATE_MEASURE_MARKER, CORRECTION_MARKER)
UNPUBLISHED_LABELS = ("2019/20 H1", "12m to 2019-09", "2019/2020 h1", "2019/20 Q2")
REQUEST_CAP = 3000  # per sweep: enough to vary every input of every callback, and stays fast

requests_made: dict[str, int] = {}


def _bdata_values(node: Any) -> Iterator[np.ndarray]:
    """Plotly's base64 typed arrays ({"dtype", "bdata"}), decoded: a leak could hide there."""
    if isinstance(node, dict):
        if "bdata" in node and "dtype" in node:
            with contextlib.suppress(ValueError, TypeError):
                yield np.frombuffer(base64.b64decode(node["bdata"]), dtype=node["dtype"])
        for value in node.values():
            yield from _bdata_values(value)
    elif isinstance(node, list):
        for value in node:
            yield from _bdata_values(value)


def leaked(body: str) -> str | None:
    """The marker found in a response body (plain, URL-encoded or in typed arrays), or None."""
    for text in (body, unquote(body)):
        for marker in MARKER_TEXTS:
            if marker in text:
                return marker
    if body[:1] in "[{":
        try:
            parsed = json.loads(body)
        except ValueError:
            return None
        for array in _bdata_values(parsed):
            for value in MARKER_VALUES:
                if array.dtype.kind == "f" and np.isclose(array, value).any():
                    return f"typed array {value}"
    return None


@pytest.fixture
def leak_db(users_db: str, server: Flask) -> str:
    """Markers in an unpublished point, a non-public measure and a correction made after
    publishing; and a partnership `probe` that has south-glos and gloucester as comparators."""
    import_results("markers.csv", (MARKER_ROWS + CORRECTION_ROW).encode(), "leak-test")
    load_probe()
    cache.clear()
    return users_db


def _names() -> tuple[list[str], list[str], list[str], list[str]]:
    with db.session() as s:
        slugs = list(s.scalars(sa.select(PartnershipRow.slug)))
        labels = list(s.scalars(sa.select(PeriodRow.label)))
        codes = list(s.scalars(sa.select(MeasureRow.code)))
        areas = list(s.scalars(sa.select(PartnershipRow.area_code)))
    return slugs, labels, codes, areas


class Pools:
    """Input values for routes and callbacks: names from the database plus hostile variants."""

    def __init__(self) -> None:
        slugs, labels, codes, areas = _names()
        self.slugs = [*slugs, "nowhere", ""]
        self.labels = [*UNPUBLISHED_LABELS, *labels, "2018/19", "2030/31", "nonsense", ""]
        self.codes = ["MARAC_REPEAT_VICTIMISATION_PCT", "CRIME_TOTAL_RATE", *codes[:6], "NOPE"]
        self.areas = [*areas[:3], "E23000036", "E06000025"]
        self.paths = [
            "/",
            *(f"/p/{s}" for s in ("south-glos", "gloucester", "nowhere")),
            "/p/south-glos/measure/MARAC_REPEAT_VICTIMISATION_PCT",
            "/p/south-glos/measure/CRIME_TOTAL_RATE",
            "/p/south-glos/priority/1",
            "/p/south-glos/priority/2",
            "/county/E23000036",
            "/county/E10000013",
            "/embed/south-glos",
            "/nowhere",
        ]
        self.searches = [
            "",
            *(f"?period={quote(label)}" for label in UNPUBLISHED_LABELS),
            "?period=2018%2F19",
            "?priority=1",
            "?period=12m%20to%202019-09&priority=1",
        ]

    def flat(self) -> list[Any]:
        """Every kind of value, for inputs whose meaning the test does not guess."""
        return [
            *self.slugs[:3],
            *self.labels[:8],
            *self.codes[:3],
            *self.paths,
            *self.searches,
            None,
            1,
        ]

    def state_dicts(self) -> list[dict[str, Any]]:
        """URL-state stores ({"slug", "period", ...}), varying one key at a time from a base."""
        base = {
            "slug": "south-glos",
            "period": UNPUBLISHED_LABELS[0],
            "priority": None,
            "code": "MARAC_REPEAT_VICTIMISATION_PCT",
            "measure": "MARAC_REPEAT_VICTIMISATION_PCT",
            "number": 1,
            "area": "E23000036",
        }
        # A second base the public may open, so a varied key is the only thing out of bounds
        public = {
            **base,
            "period": "2018/19",
            "code": "CRIME_TOTAL_RATE",
            "measure": "CRIME_TOTAL_RATE",
        }
        found = [dict(base), dict(public)]
        for key, values in (
            ("slug", self.slugs),
            ("period", self.labels),
            ("code", self.codes),
            ("measure", self.codes[:3]),
            ("priority", [1, 2, "1", None]),
            ("number", [1, 2, 3]),
            ("area", self.areas),
        ):
            for value in values:
                found.append({**base, key: value})
                found.append({**public, key: value})
        return found


def _base_value(prop: str, component_id: str, pools: Pools) -> Any:
    """The most revealing value for an input, guessed from its property and id."""
    name = component_id.lower()
    if prop == "pathname":
        return "/p/south-glos/measure/MARAC_REPEAT_VICTIMISATION_PCT"
    if prop == "search":
        return f"?period={quote(UNPUBLISHED_LABELS[0])}"
    if prop == "href":
        return "http://localhost/p/south-glos?period=2019%2F20%20H1"
    if prop == "data":
        return pools.state_dicts()[0]
    if prop == "n_clicks":
        return 1
    if "period" in name:
        return UNPUBLISHED_LABELS[0]
    if "partnership" in name:
        return "south-glos"
    if "measure" in name:
        return "MARAC_REPEAT_VICTIMISATION_PCT"
    if "priority" in name:
        return 1
    return None


def _candidates(prop: str, pools: Pools) -> list[Any]:
    if prop == "data":
        return pools.state_dicts()
    if prop == "pathname":
        return pools.paths
    if prop == "search":
        return pools.searches
    return pools.flat()


def _split(spec: str) -> list[tuple[str, str]]:
    """'..a.b...c.d..' or 'a.b' into (id, property) pairs."""
    parts = spec.strip(".").split("...") if spec.startswith("..") else [spec]
    return [tuple(part.rsplit(".", 1)) for part in parts]  # type: ignore[misc]


def _is_pattern(component_id: str) -> bool:
    return component_id.startswith("{")


def _payload(dep: dict[str, Any], values: list[Any]) -> dict[str, Any]:
    """The body Dash's renderer posts; `values` holds the inputs' values, then the states'."""
    outputs = [{"id": i, "property": p} for i, p in _split(dep["output"])]
    fields = [
        {"id": f["id"], "property": f["property"], "value": v}
        for f, v in zip([*dep["inputs"], *dep["state"]], values, strict=True)
    ]
    return {
        "output": dep["output"],
        "outputs": outputs if dep["output"].startswith("..") else outputs[0],
        "inputs": fields[: len(dep["inputs"])],
        "state": fields[len(dep["inputs"]) :],
        "changedPropIds": [f"{i['id']}.{i['property']}" for i in dep["inputs"][:1]],
    }


def callback_requests(client: FlaskClient, pools: Pools) -> Iterator[dict[str, Any]]:
    """One payload per callback and input value, varying one input at a time from the base."""
    deps = client.get("/_dash-dependencies").get_json()
    for dep in deps:
        if dep.get("clientside_function") or any(_is_pattern(i["id"]) for i in dep["inputs"]):
            continue
        if any(_is_pattern(i) for i, _ in _split(dep["output"])):
            continue
        fields = [*dep["inputs"], *dep["state"]]  # a caller chooses State values too
        base = [_base_value(f["property"], f["id"], pools) for f in fields]
        yield _payload(dep, base)
        for position, spec in enumerate(fields):
            for value in _candidates(spec["property"], pools):
                varied = list(base)
                varied[position] = value
                yield _payload(dep, varied)


def plain_requests(pools: Pools, slugs: list[str]) -> Iterator[str]:
    """Every API route, open data download and page, with every period label."""
    yield "/api/v1/partnerships"
    yield "/api/v1/results.csv"
    yield "/api/v1/results.json"
    for slug in slugs:
        yield f"/api/v1/partnerships/{slug}/periods"
        yield f"/api/v1/partnerships/{slug}/measures"
        yield f"/api/v1/partnerships/{slug}/results"
        yield f"/embed/{slug}"
        yield f"/p/{slug}"
    for label, slug in itertools.product(pools.labels, slugs):
        q = quote(label)
        yield f"/api/v1/partnerships/{slug}/results?period={q}"
        yield f"/embed/{slug}?period={q}"
    for label in pools.labels:
        for kind in ("csv", "json"):
            yield f"/api/v1/results.{kind}?period={quote(label)}"
            yield f"/api/v1/results.{kind}?partnership=south-glos&period={quote(label)}"
    for path, search in itertools.product(pools.paths, pools.searches):
        yield path + search
    yield from ("/sign-in", "/sign-out", "/accessibility", "/about-ratings", "/_dash-layout")


def sweep(client: FlaskClient, name: str) -> list[tuple[str, str]]:
    """Every request above; returns (request, marker) for each response that shows a marker."""
    pools = Pools()
    slugs = [s for s in pools.slugs if s]
    found: list[tuple[str, str]] = []
    count = 0
    for url in plain_requests(pools, slugs):
        count += 1
        marker = leaked(client.get(url).get_data(as_text=True))
        if marker:
            found.append((url, marker))
    for payload in itertools.islice(callback_requests(client, pools), REQUEST_CAP - count):
        count += 1
        response = client.post("/_dash-update-component", json=payload)
        marker = leaked(response.get_data(as_text=True))
        if marker:
            found.append((f"{payload['output']} {json.dumps(payload['inputs'])}", marker))
    requests_made[name] = count
    print(f"leak sweep as {name}: {count} requests")
    return found


def test_the_markers_are_loaded_and_visible_to_their_partnership(
    server: Flask, leak_db: str
) -> None:
    client = server.test_client()
    sign_in(client, SOUTH_GLOS_MEMBER)
    body = client.get(
        "/api/v1/partnerships/south-glos/results", query_string={"period": "2019/20 H1"}
    ).get_data(as_text=True)
    assert leaked(body)
    assert str(PUBLIC_MEASURE_MARKER) in body
    assert str(PRIVATE_MEASURE_MARKER) in body


def test_the_public_never_sees_a_marker_anywhere(server: Flask, leak_db: str) -> None:
    found = sweep(server.test_client(), "anonymous")
    assert found == [], f"{len(found)} leaks, first: {found[:3]}"


def test_a_member_of_another_partnership_never_sees_a_marker(server: Flask, leak_db: str) -> None:
    client = server.test_client()
    sign_in(client, GLOUCESTER_MEMBER)
    found = sweep(client, "gloucester member")
    assert found == [], f"{len(found)} leaks, first: {found[:3]}"


def test_the_member_sees_the_markers_where_they_should(server: Flask, leak_db: str) -> None:
    client = server.test_client()
    sign_in(client, SOUTH_GLOS_MEMBER)
    found = sweep(client, "south-glos member")
    shown = {request.split("?")[0] for request, _ in found}
    assert "/api/v1/partnerships/south-glos/results" in shown
    assert any(not r.startswith("/") for r, _ in found), "no callback showed the member a marker"
    # ... and never through the public routes, whoever is signed in
    assert not [r for r in shown if r.startswith(("/embed/", "/api/v1/results."))]
