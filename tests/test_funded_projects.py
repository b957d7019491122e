"""Gloucester's funded projects (issue #11, item 13): the OPCC grants its cabinet report of
March 2021 and its annual review 2020/21 name, loaded under the themes the documents put them
in, each with its source cited."""

from __future__ import annotations

from dashboard.audience import PUBLIC
from data_access.reports import report_for

CABINET = "Gloucester City Council Cabinet, 10 March 2021: Stronger and Safer Gloucester"
REVIEW = "Stronger Safer Gloucester Partnership Annual Review 2020/21, Prevention"


def test_gloucester_has_its_opcc_funded_projects_with_their_sources(sample_db: str) -> None:
    projects = report_for("gloucester", None, PUBLIC).projects
    found = {(p.project, p.amount_gbp, p.period, p.priority) for p in projects}
    assert found == {
        (
            "Projects to promote equality and diversity, with a particular focus on Barton & "
            "Tredworth",
            15_000.0,
            "2020/21",
            1,
        ),
        (
            "Working with health partners to deliver a plan that contributes to tackling health "
            "inequalities in Gloucester (likely focus on Barton & Tredworth)",
            10_000.0,
            "2021/22",
            1,
        ),
        (
            "Hard landscaping in Skinner Street (Kingsholm) to deter street drinkers",
            10_000.0,
            "2021/22",
            3,
        ),
        ("Investment in mobile CCTV cameras", 5_000.0, "2021/22", 3),
        (
            "Community led responses in Barton & Tredworth to tackle littering and fly-tipping",
            5_000.0,
            "2021/22",
            3,
        ),
    }
    for p in projects:
        assert p.source.startswith(REVIEW if p.period == "2020/21" else CABINET), p.project
        assert "OPCC" in p.source or "Police and Crime Commissioner" in p.source
        assert "para 8.1" in p.source or p.period == "2020/21"
    # The cabinet report's four projects make up its £30,000
    assert sum(p.amount_gbp for p in projects if p.period == "2021/22") == 30_000.0


def test_gloucester_priorities_list_their_projects(sample_db: str) -> None:
    report = report_for("gloucester", None, PUBLIC)
    titles = {g.number: g.title for g in report.groups}
    assert titles == {1: "Prevention", 2: "Protection", 3: "Response"}
    assert [p.amount_gbp for p in report.projects_for(1)] == [15_000.0, 10_000.0]
    assert len(report.projects_for(3)) == 3
    assert report.projects_for(2) == []
