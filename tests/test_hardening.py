"""Production hardening (issue #12): sessions that end, request size, trusted proxies, private
member responses, 404 for Dash junk, the health endpoint and the log lines."""

from __future__ import annotations

import io
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from dash import Dash
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from werkzeug.test import TestResponse

import auth
import security
from dashboard.settings import LogFormat, Settings, SettingsError
from data_access import cache as cache_module
from data_access import db
from data_access.users import THROTTLE_LIMITS
from layouts import ids
from tests.signing import ADMIN, PASSWORD, SOUTH_GLOS_MEMBER, sign_in, sign_out

ROOT = Path(__file__).resolve().parent.parent
SESSION_COOKIE = "session"
NON_PUBLIC_MEASURE = "MARAC_REPEAT_VICTIMISATION_PCT"  # south-glos only, members see it


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# 1. After sign-in, `next` is a path on this site (else a member lands on their partnership)


def test_a_tab_or_newline_in_next_goes_home_and_a_path_here_is_kept(
    server: Flask, users_db: str
) -> None:
    # Browsers drop a tab or newline inside a URL: `/<tab>/evil.example` is `//evil.example`
    for target in ("/\t/evil.example", "/\n/evil.example", "/\r\n/evil", "/\t\\evil.example"):
        response = sign_in(server.test_client(), SOUTH_GLOS_MEMBER, next_path=target)
        # not followed: the member lands on their own partnership, as with no `next` at all
        location = response.headers["Location"]
        assert (response.status_code, location) == (303, "/p/south-glos"), repr(target)
    here = "/p/south-glos/measure/CRIME_TOTAL_RATE?period=2019/20 H1"
    response = sign_in(server.test_client(), SOUTH_GLOS_MEMBER, next_path=here)
    assert response.headers["Location"] == here.replace(" ", "%20")


def test_the_sign_in_form_carries_a_tabbed_next_as_home(client: FlaskClient) -> None:
    page = client.get("/sign-in?next=/%09/evil.example").get_data(as_text=True)
    assert '<input type="hidden" name="next" value="/">' in page


# 2. Sessions end: on sign-out everywhere, on a new password, when idle, and when old
#
# Each request below runs in an app context of its own, as on a real server: the test's context
# would carry flask-login's user over from one request to the next in `g`.


def signed_in(server: Flask, email: str, password: str = PASSWORD) -> FlaskClient:
    """A browser signed in as this user."""
    client = server.test_client()
    with server.app_context():
        assert sign_in(client, email, password).status_code == 303
    return client


def signs_out(server: Flask, client: FlaskClient) -> None:
    with server.app_context():
        assert sign_out(client).status_code == 303


def sees_members_view(server: Flask, client: FlaskClient, slug: str = "south-glos") -> bool:
    """Whether this browser is served as a member of the partnership (provisional points)."""
    with server.app_context():
        periods = client.get(f"/api/v1/partnerships/{slug}/periods").get_json()
    return any(not p["published"] for p in periods)


def copy_of_cookie(server: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of this one's session cookie, as a thief would."""
    cookie = client.get_cookie(SESSION_COOKIE)
    assert cookie is not None
    other = server.test_client()
    other.set_cookie(SESSION_COOKIE, cookie.value)
    return other


def test_a_cookie_copied_before_signing_out_stops_working(server: Flask, users_db: str) -> None:
    client = signed_in(server, SOUTH_GLOS_MEMBER)
    copied = copy_of_cookie(server, client)
    assert sees_members_view(server, copied)
    signs_out(server, client)
    with server.app_context():
        measures = copied.get("/api/v1/partnerships/south-glos/measures").get_json()
    assert NON_PUBLIC_MEASURE not in {m["code"] for m in measures}
    assert not sees_members_view(server, copied)


def test_a_new_password_from_create_user_ends_the_users_sessions(
    server: Flask, runner: FlaskCliRunner, users_db: str
) -> None:
    client = signed_in(server, SOUTH_GLOS_MEMBER)
    result = runner.invoke(
        args=["create-user", SOUTH_GLOS_MEMBER, "--role", "viewer", "--partnership", "south-glos"],
        env={"PASSWORD": "a brand new passphrase"},
    )
    assert result.exit_code == 0, result.output
    assert not sees_members_view(server, client)
    assert sees_members_view(server, signed_in(server, SOUTH_GLOS_MEMBER, "a brand new passphrase"))


def test_ending_one_users_sessions_leaves_another_user_signed_in(
    server: Flask, users_db: str
) -> None:
    leaving, staying = signed_in(server, SOUTH_GLOS_MEMBER), signed_in(server, ADMIN)
    signs_out(server, leaving)
    assert sees_members_view(server, staying)


def _move_session_times(client: FlaskClient, **seconds_ago: float) -> None:
    now = int(time.time())
    with client.session_transaction() as session:
        for key, ago in seconds_ago.items():
            session[key] = now - int(ago)


def test_a_session_idle_for_the_idle_limit_ends(server: Flask, users_db: str) -> None:
    idle = auth.IDLE_LIMIT.total_seconds()
    client = signed_in(server, SOUTH_GLOS_MEMBER)
    _move_session_times(client, last_seen=idle - 120, signed_in_at=idle - 120)
    assert sees_members_view(server, client)  # and this request counts as activity
    _move_session_times(client, last_seen=idle + 1)
    assert not sees_members_view(server, client)


def test_activity_keeps_a_session_going_until_the_absolute_limit(
    server: Flask, users_db: str
) -> None:
    absolute = auth.ABSOLUTE_LIMIT.total_seconds()
    client = signed_in(server, SOUTH_GLOS_MEMBER)
    _move_session_times(client, last_seen=0, signed_in_at=absolute - 60)
    assert sees_members_view(server, client)
    _move_session_times(client, last_seen=0, signed_in_at=absolute + 1)
    assert not sees_members_view(server, client)


def test_a_request_moves_the_last_seen_time_on(server: Flask, users_db: str) -> None:
    client = signed_in(server, SOUTH_GLOS_MEMBER)
    _move_session_times(client, last_seen=3600)
    assert sees_members_view(server, client)
    with client.session_transaction() as session:
        assert time.time() - session[auth.LAST_SEEN] < 60


# 3. Request size


class UnreadableBody(io.RawIOBase):
    """A request body of `size` bytes that fails the test if the app reads any of it."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size, self.position = size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True  # the test client seeks to the end to learn the Content-Length

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.position = self.size + offset if whence == io.SEEK_END else offset
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, _buffer: object) -> int:
        raise AssertionError("the app read the body of an oversized request")


@pytest.mark.parametrize("path", ["/_dash-update-component", "/sign-in", "/sign-out"])
def test_an_oversized_post_answers_413_before_its_body_is_read(
    client: FlaskClient, path: str
) -> None:
    response = client.post(
        path,
        input_stream=UnreadableBody(300 * 1024 * 1024),
        content_type="application/json",
    )
    assert response.status_code == 413


def test_a_large_callback_request_answers_413(client: FlaskClient) -> None:
    body = b"[" + b"0," * (11 * 1024 * 1024) + b"0]"  # 22 MB of JSON
    response = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert response.status_code == 413


# 4. Trusted proxies and the sign-in throttle


def _site_behind(proxies: int) -> Flask:
    """A plain Flask app with sign-in (a second Dash app would share the page registry)."""
    site = Flask("app", root_path=str(ROOT))
    site.config.update(SECRET_KEY="x" * 40, TESTING=True)
    auth.init_app(site, secure_cookies=False)
    security.trust_proxies(site, proxies)
    return site


def _sign_in_from(client: FlaskClient, address: str, email: str, password: str) -> TestResponse:
    headers = {"X-Forwarded-For": address}
    page = client.get("/sign-in", headers=headers).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    form = {"email": email, "password": password, "csrf_token": found.group(1), "next": "/"}
    return client.post("/sign-in", data=form, headers=headers)


def _after_failures_from_203_0_113_7(proxies: int, monkeypatch: pytest.MonkeyPatch) -> FlaskClient:
    """A client of a site behind `proxies` proxies, after enough failures forwarded for
    203.0.113.7 to lock its client key (the limit lowered to 2 for speed)."""
    monkeypatch.setitem(THROTTLE_LIMITS, "client", 2)
    client = _site_behind(proxies).test_client()
    for n in range(2):  # different addresses typed, so only the client's key counts them
        response = _sign_in_from(client, "203.0.113.7", f"guess{n}@example.gov.uk", "wrong!")
        assert response.status_code == 401
    return client


def test_behind_a_trusted_proxy_the_throttle_keys_on_the_forwarded_address(
    users_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _after_failures_from_203_0_113_7(1, monkeypatch)
    assert _sign_in_from(client, "203.0.113.7", SOUTH_GLOS_MEMBER, PASSWORD).status_code == 429
    assert _sign_in_from(client, "198.51.100.9", SOUTH_GLOS_MEMBER, PASSWORD).status_code == 303


def test_with_no_trusted_proxy_a_forwarded_address_is_ignored(
    users_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _after_failures_from_203_0_113_7(0, monkeypatch)
    # every request comes from the test client's own address: a client cannot claim another
    assert _sign_in_from(client, "198.51.100.9", SOUTH_GLOS_MEMBER, PASSWORD).status_code == 429


def test_trusted_proxies_and_log_format_come_from_the_environment() -> None:
    assert Settings.from_env({}).trusted_proxies == 0
    assert Settings.from_env({}).log_format is LogFormat.TEXT
    settings = Settings.from_env({"TRUSTED_PROXIES": "1", "LOG_FORMAT": "JSON"})
    assert (settings.trusted_proxies, settings.log_format) == (1, LogFormat.JSON)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TRUSTED_PROXIES": "yes"}, "TRUSTED_PROXIES is 'yes': set it to the number"),
        ({"TRUSTED_PROXIES": "-1"}, "TRUSTED_PROXIES is '-1'"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT is 'xml': use text or json."),
    ],
)
def test_an_unusable_setting_is_refused_with_a_sentence_to_act_on(
    env: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        Settings.from_env(env)


# 5. Member responses are private; Dash junk answers 404


def _account_link_callback(dash_app: Dash, client: FlaskClient) -> TestResponse:
    """The header's account link callback, as the browser calls it (whatever its outputs)."""
    key = next(k for k in dash_app.callback_map if ids.ACCOUNT_LINK in k)
    outputs = [
        {"id": spec.rsplit(".", 1)[0], "property": spec.rsplit(".", 1)[1]}
        for spec in key.strip(".").split("...")
    ]
    return client.post(
        "/_dash-update-component",
        json={
            "output": key,
            "outputs": outputs if key.startswith("..") else outputs[0],
            "inputs": [{"id": ids.URL, "property": "pathname", "value": "/"}],
            "changedPropIds": [f"{ids.URL}.pathname"],
            "state": [],
        },
    )


def test_a_members_pages_and_callbacks_are_private_to_their_browser(
    server: Flask, dash_app: Dash, users_db: str
) -> None:
    client = signed_in(server, SOUTH_GLOS_MEMBER)
    with server.app_context():
        page, callback = client.get("/p/south-glos"), _account_link_callback(dash_app, client)
    assert page.headers.get("Cache-Control") == "private"
    assert SOUTH_GLOS_MEMBER in callback.get_data(as_text=True)
    assert callback.headers.get("Cache-Control") == "private"


def test_the_publics_pages_are_not_marked_private(dash_app: Dash, client: FlaskClient) -> None:
    for response in (client.get("/p/south-glos"), _account_link_callback(dash_app, client)):
        assert response.status_code == 200
        assert "private" not in response.headers.get("Cache-Control", "")


def test_an_unknown_callback_answers_404(client: FlaskClient) -> None:
    response = client.post(
        "/_dash-update-component",
        json={
            "output": "nothing-here.children",
            "outputs": {"id": "nothing-here", "property": "children"},
            "inputs": [],
            "changedPropIds": [],
        },
    )
    assert response.status_code == 404


@pytest.mark.parametrize("body", [{}, [1], {"output": 7}])
def test_a_callback_request_that_is_not_one_answers_400(client: FlaskClient, body: object) -> None:
    assert client.post("/_dash-update-component", json=body).status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/_dash-component-suites/dash/nope.js",
        "/_dash-component-suites/no_such_package/x.js",
        "/_dash-component-suites/dash/deps/polyfill@7.v9_9_9m1.js",
        "/_dash-component-suites/dash/../../app.py",
    ],
)
def test_a_junk_component_suite_path_answers_404(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 404


# 6. Health and logging


def test_healthz_says_the_database_and_cache_are_ok(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"database": "ok", "cache": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


@pytest.fixture
def database_away(server: Flask, sample_db: str) -> Iterator[FlaskClient]:
    db.configure(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test")
    try:
        yield server.test_client()
    finally:
        db.configure(sample_db)


def test_healthz_answers_503_when_the_database_is_down(database_away: FlaskClient) -> None:
    response = database_away.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"database": "unavailable", "cache": "ok"}


def test_healthz_answers_200_with_the_cache_unavailable_while_redis_is_away(
    server: Flask, client: FlaskClient
) -> None:
    cache_module.init_app(server, f"redis://127.0.0.1:{free_port()}/0")
    try:
        response = client.get("/healthz")
    finally:
        cache_module.init_app(server, None)
    assert response.status_code == 200
    assert response.get_json() == {"database": "ok", "cache": "unavailable"}


def test_healthz_says_a_running_redis_is_ok(server: Flask, client: FlaskClient) -> None:
    url = os.environ.get("TEST_REDIS_URL") or pytest.skip("TEST_REDIS_URL not set")
    cache_module.init_app(server, url)
    try:
        response = client.get("/healthz")
    finally:
        cache_module.init_app(server, None)
    assert response.get_json() == {"database": "ok", "cache": "ok"}


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """A fresh process in the project, as gunicorn or an administrator would start one."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "APP_ENV", "LOG_FORMAT", "REDIS_URL", "TRUSTED_PROXIES"}
    }
    clean.update(DATABASE_URL=f"sqlite:///{tmp_path / 'start.db'}", **env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_a_start_without_a_secret_key_warns_once_in_a_plain_log_line(tmp_path: Path) -> None:
    started = _run(["-c", "import app"], tmp_path)
    assert started.returncode == 0, started.stderr
    warnings = [line for line in started.stderr.splitlines() if "SECRET_KEY is not set" in line]
    assert len(warnings) == 1, started.stderr
    assert re.match(r"^\d{4}-\d\d-\d\d [\d:,]+ WARNING app: SECRET_KEY is not set", warnings[0])


def test_log_format_json_writes_one_object_per_line(tmp_path: Path) -> None:
    started = _run(["-c", "import app"], tmp_path, LOG_FORMAT="json")
    assert started.returncode == 0, started.stderr
    lines = [json.loads(line) for line in started.stderr.splitlines()]
    assert [(x["level"], x["logger"]) for x in lines if "SECRET_KEY" in x["message"]] == [
        ("WARNING", "app")
    ]


def test_a_command_does_not_warn_about_the_secret_key(tmp_path: Path) -> None:
    done = _run(["-m", "flask", "--app", "app:server", "init-db"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "SECRET_KEY" not in done.stderr
    assert done.stdout.count("\n") == 1
