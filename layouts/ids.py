"""Component ids, defined once (kebab-case, prefixed by view)."""

URL = "url"
MAIN = "main"
HOME_LIST = "home-partnership-list"
ERROR_BANNER = "error-banner"
