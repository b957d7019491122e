"""Component ids, defined once (kebab-case, prefixed by view)."""

URL = "url"
MAIN = "main"
ERROR_BANNER = "error-banner"

OVERVIEW_STATE = "overview-state"
OVERVIEW_HEADER = "overview-header"
OVERVIEW_COUNTS = "overview-counts"
OVERVIEW_TILES = "overview-tiles"
PARTNERSHIP_PICKER = "overview-partnership-picker"
PERIOD_PICKER = "overview-period-picker"
PRIORITY_PICKER = "overview-priority-picker"

PRIORITY_STATE = "priority-state"
PRIORITY_HEADER = "priority-header"
PRIORITY_BODY = "priority-body"
PRIORITY_PERIOD_PICKER = "priority-period-picker"

MEASURE_STATE = "measure-state"
MEASURE_HEADER = "measure-header"
MEASURE_BODY = "measure-body"
MEASURE_PERIOD_PICKER = "measure-period-picker"
MEASURE_GRID = "measure-grid"
MEASURE_DOWNLOAD_BUTTON = "measure-download-button"
MEASURE_DOWNLOAD = "measure-download"

COUNTY_STATE = "county-state"
COUNTY_HEADER = "county-header"
COUNTY_BODY = "county-body"
COUNTY_PERIOD_PICKER = "county-period-picker"

OVERVIEW_CONTROLS = "overview-controls"
OVERVIEW_LOCATION = "overview-location"
PRIORITY_CONTROLS = "priority-controls"
PRIORITY_LOCATION = "priority-location"
MEASURE_CONTROLS = "measure-controls"
MEASURE_LOCATION = "measure-location"
COUNTY_CONTROLS = "county-controls"
COUNTY_LOCATION = "county-location"

# What a view is showing after defaults are resolved: a picker set to it writes nothing to the URL.
OVERVIEW_SHOWN = "overview-shown"
PRIORITY_SHOWN = "priority-shown"
MEASURE_SHOWN = "measure-shown"
COUNTY_SHOWN = "county-shown"
MEASURE_DOWNLOAD_AREA = "measure-download-area"
MANAGE_ITEM = "manage-item"
ACCOUNT_LINK = "shell-account-link"

PARTNERSHIPS_STATE = "partnerships-state"
PARTNERSHIPS_BODY = "partnerships-body"

# Each page's <title> (WCAG 2.4.2): one store per view, all read by one clientside callback.
PAGE_TITLE = "page-title"
OVERVIEW_TITLE = {"type": PAGE_TITLE, "view": "overview"}
PRIORITY_TITLE = {"type": PAGE_TITLE, "view": "priority"}
MEASURE_TITLE = {"type": PAGE_TITLE, "view": "measure"}
COUNTY_TITLE = {"type": PAGE_TITLE, "view": "county"}
