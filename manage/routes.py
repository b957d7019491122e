"""Every Manage page module, imported once so its routes register on the blueprint."""

from __future__ import annotations

from manage import account, admin, audit_log, commentary, home, publish, upload  # noqa: F401
