"""Pure domain logic: periods, ratings, statistics and file rules. Imports nothing of Dash, Flask or SQL."""
