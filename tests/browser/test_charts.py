"""What users saw (issue #11), in Debian chromium: charts draw every area their legend lists on
a time axis, tiles show their reasons without a hover, the grid shows numbers as tables do."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

# For each trace: its name, whether the legend lists it, and how many of its points are drawn
# inside the x axis's range (finite x and y).
DRAWN = """
gd => {
  const xa = gd._fullLayout.xaxis;
  const [lo, hi] = xa.range.map(v => xa.r2c(v));
  return gd.calcdata.map(cd => ({
    name: cd[0].trace.name,
    listed: cd[0].trace.showlegend !== false,
    drawn: cd.filter(p => Number.isFinite(p.x) && Number.isFinite(p.y) && p.x >= lo && p.x <= hi)
      .length,
  }));
}
"""
LEGEND = "gd => [...gd.querySelectorAll('.legend .legendtext')].map(e => e.textContent)"


def _chart(page: Page, path: str) -> object:
    page.goto(path)
    chart = page.locator("#measure-history-chart .js-plotly-plot")
    chart.locator(".legend").wait_for(state="attached", timeout=20_000)
    return chart


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        (
            "/p/gloucester/measure/ASB_INCIDENTS_RATE",
            {"Gloucester", "Gloucestershire Police Force Area", "South West", "England and Wales"},
        ),
        (
            "/p/south-glos/measure/CRIME_TOTAL_RATE",
            {"South Gloucestershire", "Avon and Somerset", "South West", "England and Wales"},
        ),
    ],
)
def test_the_chart_draws_each_area_its_legend_lists(
    page: Page, app_url: str, console_errors: list[str], route: str, expected: set[str]
) -> None:
    chart = _chart(page, app_url + route)
    legend = chart.evaluate(LEGEND)
    traces = chart.evaluate(DRAWN)
    assert expected <= set(legend)
    drawn = {t["name"] for t in traces if t["drawn"] > 0}
    assert set(legend) <= drawn, f"listed but not drawn: {set(legend) - drawn}"
    assert console_errors == []


def test_the_trajectory_passes_just_above_gloucesters_2019_asb_figure(
    page: Page, app_url: str
) -> None:
    # On target: 50.8 is at or better than the trajectory of 52.0 for 2019, so the point is
    # drawn below the line, not above it as on the old category axis.
    chart = _chart(page, app_url + "/p/gloucester/measure/ASB_INCIDENTS_RATE")
    heights = chart.evaluate(
        """gd => {
          const ya = gd._fullLayout.yaxis, xa = gd._fullLayout.xaxis;
          const line = gd.data.find(t => (t.name || '').startsWith('Trajectory'));
          const own = gd.data.find(t => t.name === 'Gloucester');
          const at = xa.d2c('2019-12-31');
          const [x0, x1] = line.x.map(v => xa.d2c(v));
          const onLine = line.y[0] + (line.y[1] - line.y[0]) * (at - x0) / (x1 - x0);
          const point = own.y[own.x.indexOf('2019-12-31')];
          return {onLine, point, linePx: ya.c2p(onLine), pointPx: ya.c2p(point)};
        }"""
    )
    assert round(heights["onLine"], 1) == 52.0 and heights["point"] == 50.8
    assert heights["pointPx"] > heights["linePx"]  # lower on screen: a smaller rate


@pytest.mark.parametrize("width", [1280, 375])
def test_every_tile_shows_its_reason_without_a_hover(page: Page, app_url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(app_url + "/p/gloucester")
    tiles = page.locator(".tile")
    expect(tiles.first).to_be_visible(timeout=20_000)
    page.mouse.move(0, 0)
    for i in range(tiles.count()):
        tile, reason = tiles.nth(i), tiles.nth(i).locator(".tile-reason")
        box, words = tile.bounding_box(), reason.bounding_box()
        assert box and words and reason.inner_text().strip()
        assert words["width"] > 0.6 * box["width"]
        assert box["y"] <= words["y"] and words["y"] + words["height"] <= box["y"] + box["height"]


def test_the_data_grid_shows_numbers_with_separators_and_the_measures_places(
    page: Page, app_url: str, console_errors: list[str]
) -> None:
    page.goto(app_url + "/p/gloucester/measure/ASB_INCIDENTS_RATE")
    numerators = page.locator(".ag-cell[col-id='numerator']")
    expect(numerators.first).to_be_visible(timeout=20_000)
    assert "334,496" in numerators.all_inner_texts()
    values = page.locator(".ag-cell[col-id='value']").all_inner_texts()
    assert "37.0" in values and "37" not in values  # England and Wales 2013/14, one place
    low = page.locator(".ag-cell[col-id='ci_low']").all_inner_texts()
    assert "49.6" in low  # Gloucester 2019's interval, to the value's places
    assert console_errors == []
