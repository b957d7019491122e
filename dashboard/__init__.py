"""Pure domain logic: periods, ratings, statistics, file rules. No Dash, Flask or SQL here."""
