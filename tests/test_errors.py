"""Unexpected failures reach users as a calm message with a reference, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from data_access import db
from data_access.cache import cache


def test_an_api_failure_answers_json_with_a_reference_and_no_traceback(
    server: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(server.config, "PROPAGATE_EXCEPTIONS", False)  # as in production
    with server.app_context():
        db.configure(f"sqlite:///{tmp_path / 'unmigrated.db'}")  # no tables: every query fails
        cache.clear()
        response = server.test_client().get("/api/v1/partnerships")
    assert response.status_code == 500
    assert response.is_json
    message = response.get_json()["error"]
    assert message.startswith("Something went wrong on our side. Quote reference ")
    assert "Traceback" not in response.get_data(as_text=True)
