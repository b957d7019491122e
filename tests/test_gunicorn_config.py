"""gunicorn.conf.py as gunicorn reads it: threaded workers, the number of workers and the port
from the environment, no access log; and the Procfile that starts it and migrates first."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from gunicorn.app.wsgiapp import WSGIApplication
from gunicorn.config import Config

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "gunicorn.conf.py"


def gunicorn_config(monkeypatch: pytest.MonkeyPatch, **env: str) -> Config:
    """The settings gunicorn takes from gunicorn.conf.py in this environment."""
    for name in ("WEB_CONCURRENCY", "PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    application = WSGIApplication.__new__(WSGIApplication)  # no command line to parse
    application.cfg = Config()
    application.load_config_from_file(str(CONFIG))
    return application.cfg


def test_gunicorn_runs_two_threaded_workers_on_loopback_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cfg = gunicorn_config(monkeypatch)
    assert (cfg.worker_class_str, cfg.workers, cfg.threads) == ("gthread", 2, 4)
    assert cfg.bind == ["127.0.0.1:8000"]
    assert cfg.wsgi_app == "app:server"
    assert cfg.accesslog is None
    assert not cfg.preload_app  # each worker builds its own engine after the fork


def test_workers_and_port_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = gunicorn_config(monkeypatch, WEB_CONCURRENCY="5", PORT="5005")
    assert cfg.workers == 5
    assert cfg.bind == ["0.0.0.0:5005"]


def test_every_name_set_in_gunicorn_conf_is_a_gunicorn_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gunicorn_config(monkeypatch)
    names = runpy.run_path(str(CONFIG))
    ours = {n for n in names if not n.startswith("_") and n != "os"}
    assert ours <= set(Config().settings), ours - set(Config().settings)  # a typo is ignored


def test_the_procfile_serves_app_server_and_migrates_on_release() -> None:
    lines = (ROOT / "Procfile").read_text().splitlines()
    assert "web: gunicorn app:server" in lines
    assert "release: flask --app app:server init-db" in lines
