"""Manage's home and publish pages (INTERFACES.md section 7, PRODUCT.md sections 2 and 4): each
point's status from the per-point flag, what changed since the last version, publishing a new
version that the public then reads, an admin withdrawing one, and every refusal changing nothing."""

from __future__ import annotations

import re

from flask import Flask

from dashboard.formatting import format_date
from data_access import audit
from data_access.cache import cache
from data_access.imports import import_results
from tests.manage_checks import database_state, point_statuses, signed_in, token
from tests.signing import ADMIN, SOUTH_GLOS_EDITOR

PUBLISH = "/manage/south-glos/publish"
WITHDRAW = "/manage/south-glos/withdraw"
RESULTS = "/api/v1/partnerships/south-glos/results"
CORRECTION = (
    "measure_code,period,area_code,value,source\n"
    "CRIME_TOTAL_RATE,2018/19,E06000025,70.4,corrected\n"
)
_SEEN = re.compile(r'name="seen" value="([^"]+)"')


def correct_2018_19() -> None:
    import_results("correction.csv", CORRECTION.encode(), "test-officer")
    cache.clear()


def public_crime(server: Flask, period: str = "2018/19") -> tuple[float, int]:
    """Total crime's public value at the point, and the version the public reads."""
    body = signed_in(server, None).get(f"{RESULTS}?period={period}").get_json()
    crime = next(r for r in body["results"] if r["measure_code"] == "CRIME_TOTAL_RATE")
    return crime["value"], body["publication"]["version"]


def today() -> str:
    return format_date(audit.now().date())


# --- the home page ------------------------------------------------------------------------------


def test_home_lists_each_point_provisional_or_published_with_its_version_and_date(
    server: Flask, users_db: str
) -> None:
    page = signed_in(server, SOUTH_GLOS_EDITOR).get("/manage")
    assert page.status_code == 200
    words = page.get_data(as_text=True)
    assert "South Gloucestershire" in words and "Gloucester</h2>" not in words
    statuses = point_statuses(words, "points-south-glos")
    assert statuses["2018/19"] == f"Published v1 on {today()}"
    assert statuses["2017/18"] == f"Published v1 on {today()}"
    assert "Provisional" in statuses.values()
    for link in ("upload", "commentary", "publish", "audit"):
        assert f'href="/manage/south-glos/{link}"' in words


def test_home_marks_a_published_point_changed_after_an_import_reaches_it(
    server: Flask, users_db: str
) -> None:
    correct_2018_19()
    words = signed_in(server, SOUTH_GLOS_EDITOR).get("/manage").get_data(as_text=True)
    statuses = point_statuses(words, "points-south-glos")
    assert statuses["2018/19"] == f"Published v1 on {today()}; changed since publication"
    assert statuses["2017/18"] == f"Published v1 on {today()}"  # ends before the correction


def test_an_admin_sees_every_partnership(server: Flask, users_db: str) -> None:
    words = signed_in(server, ADMIN).get("/manage").get_data(as_text=True)
    assert 'id="points-south-glos"' in words and 'id="points-gloucester"' in words


# --- publishing ---------------------------------------------------------------------------------


def test_opening_a_published_point_lists_what_changed_and_what_the_public_will_see(
    server: Flask, users_db: str
) -> None:
    correct_2018_19()
    page = signed_in(server, SOUTH_GLOS_EDITOR).get(f"{PUBLISH}?period=2018/19")
    assert page.status_code == 200
    words = page.get_data(as_text=True)
    assert "What changed since version 1" in words
    changes = words[
        words.index('id="point-changes"') : words.index("</ul>", words.index('id="point-changes"'))
    ]
    assert "Total recorded crime per 1,000 population" in changes
    preview = words[words.index('id="public-preview"') :]
    assert re.search(r"\d+ public measures: \d+ On target, \d+ Close, \d+ Off target", preview)
    assert "withheld to protect the people involved" in preview
    assert "I confirm the partnership approved the 2018/19 report for publication" in words


def test_opening_a_point_never_published_says_it_makes_version_1(
    server: Flask, users_db: str
) -> None:
    words = signed_in(server, SOUTH_GLOS_EDITOR).get(f"{PUBLISH}?period=2019/20 H1").text
    assert "has never been published" in words and "publishing makes version 1" in words


def test_publishing_from_the_page_makes_the_next_version_and_the_public_then_reads_it(
    server: Flask, users_db: str
) -> None:
    correct_2018_19()
    assert public_crime(server) == (61.5, 1)
    client = signed_in(server, SOUTH_GLOS_EDITOR)
    opened = client.get(f"{PUBLISH}?period=2018/19").text
    sent = client.post(
        PUBLISH,
        data={
            "csrf_token": token(client),
            "period": "2018/19",
            "confirm": "y",
            "seen": _SEEN.search(opened).group(1),
        },
    )
    assert sent.status_code == 303
    assert sent.location.endswith("/manage/south-glos/publish?period=2018%2F19")
    after = client.get(sent.location).text
    assert "Published 2018/19 as version 2." in after
    assert point_statuses(after, "period-list")["2018/19"] == f"Published v2 on {today()}"
    assert public_crime(server) == (70.4, 2)
    versions = signed_in(server, None).get("/api/v1/partnerships/south-glos/publications").json
    assert [v["version"] for v in versions if v["period"]["label"] == "2018/19"] == [2, 1]


def test_publishing_when_nothing_differs_says_so_and_makes_no_version(
    server: Flask, users_db: str
) -> None:
    client = signed_in(server, SOUTH_GLOS_EDITOR)
    before = database_state()["versions"]
    sent = client.post(
        PUBLISH, data={"csrf_token": token(client), "period": "2018/19", "confirm": "y"}
    )
    assert sent.status_code == 303
    assert (
        "Nothing differs from the latest published version of 2018/19"
        in client.get(sent.location).text
    )
    assert database_state()["versions"] == before


def test_publishing_needs_the_confirmation_ticked(server: Flask, users_db: str) -> None:
    correct_2018_19()
    client = signed_in(server, SOUTH_GLOS_EDITOR)
    before = database_state()
    sent = client.post(PUBLISH, data={"csrf_token": token(client), "period": "2018/19"})
    assert sent.status_code == 400
    assert '<a href="#confirm" class="alert-link">Tick the box to confirm' in sent.text
    assert 'aria-describedby="confirm-error"' in sent.text
    assert database_state() == before


def test_data_changed_after_the_page_was_opened_is_not_published_unseen(
    server: Flask, users_db: str
) -> None:
    client = signed_in(server, SOUTH_GLOS_EDITOR)
    seen = _SEEN.search(client.get(f"{PUBLISH}?period=2018/19").text).group(1)
    correct_2018_19()
    before = database_state()
    sent = client.post(
        PUBLISH,
        data={"csrf_token": token(client), "period": "2018/19", "confirm": "y", "seen": seen},
    )
    assert sent.status_code == 400 and "changed after you opened it" in sent.text
    assert database_state() == before
    assert public_crime(server) == (61.5, 1)


def test_a_point_that_is_not_the_partnerships_is_refused_with_its_reason(
    server: Flask, users_db: str
) -> None:
    client = signed_in(server, SOUTH_GLOS_EDITOR)
    before = database_state()
    sent = client.post(
        PUBLISH, data={"csrf_token": token(client), "period": "2019", "confirm": "y"}
    )
    assert sent.status_code == 400
    assert "not one of this partnership&#39;s reporting points" in sent.text
    assert database_state() == before


# --- withdrawing --------------------------------------------------------------------------------


def test_an_admin_withdraws_a_version_with_a_reason_and_the_public_loses_it(
    server: Flask, users_db: str
) -> None:
    client = signed_in(server, ADMIN)
    page = client.get(f"{PUBLISH}?period=2018/19").text
    assert 'action="/manage/south-glos/withdraw"' in page and 'for="reason-v1"' in page
    sent = client.post(
        WITHDRAW,
        data={
            "csrf_token": token(client),
            "period": "2018/19",
            "version": "1",
            "reason": "Loaded from the wrong file",
        },
    )
    assert sent.status_code == 303
    after = client.get(sent.location).text
    assert "Withdrew version 1 of 2018/19" in after
    assert "Withdrawn: Loaded from the wrong file" in after
    assert signed_in(server, None).get(f"{RESULTS}?period=2018/19").status_code == 404
    statuses = point_statuses(client.get("/manage").text, "points-south-glos")
    assert statuses["2018/19"] == "Provisional"


def test_withdrawing_needs_a_reason(server: Flask, users_db: str) -> None:
    client = signed_in(server, ADMIN)
    before = database_state()
    sent = client.post(
        WITHDRAW,
        data={"csrf_token": token(client), "period": "2018/19", "version": "1", "reason": " "},
    )
    assert sent.status_code == 400
    assert '<a href="#reason-v1" class="alert-link">Give a reason' in sent.text
    assert database_state() == before


def test_an_editor_sees_no_withdraw_form_and_cannot_withdraw(server: Flask, users_db: str) -> None:
    client = signed_in(server, SOUTH_GLOS_EDITOR)
    assert "/withdraw" not in client.get(f"{PUBLISH}?period=2018/19").text
    before = database_state()
    sent = client.post(
        WITHDRAW,
        data={"csrf_token": token(client), "period": "2018/19", "version": "1", "reason": "x"},
    )
    assert sent.status_code == 403
    assert database_state() == before
    assert public_crime(server) == (61.5, 1)
