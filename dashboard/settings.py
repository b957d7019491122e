"""What the environment says (INTERFACES.md section 1), with laptop-safe defaults."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

DEFAULT_DATABASE_URL = "sqlite:///instance/dashboard.db"
PRODUCTION = "production"


class LogFormat(StrEnum):
    """How log lines are written: plain text, or one JSON object per line (LOG_FORMAT)."""

    TEXT = "text"
    JSON = "json"


class SettingsError(ValueError):
    """An environment variable holds a value the app cannot use; the message says which."""


def _normalise_database_url(url: str) -> str:
    """Accept the postgres:// and postgresql:// spellings hosts hand out; we drive psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _trusted_proxies(value: str | None) -> int:
    text = (value or "0").strip()
    if not (text.isascii() and text.isdigit()):
        raise SettingsError(
            f"TRUSTED_PROXIES is '{value}': set it to the number of reverse proxies in front "
            "of the app (0, the default, trusts no X-Forwarded-For header)."
        )
    return int(text)


def _log_format(value: str | None) -> LogFormat:
    try:
        return LogFormat((value or LogFormat.TEXT).strip().lower())
    except ValueError:
        choices = " or ".join(f.value for f in LogFormat)
        raise SettingsError(f"LOG_FORMAT is '{value}': use {choices}.") from None


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    secret_key: str | None = None
    embed_allowed_origins: tuple[str, ...] = ()
    app_env: str = "development"
    debug: bool = False
    trusted_proxies: int = 0
    log_format: LogFormat = LogFormat.TEXT
    testing: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        """The settings the environment gives; SettingsError names a variable it cannot use."""
        return cls(
            database_url=_normalise_database_url(env.get("DATABASE_URL") or DEFAULT_DATABASE_URL),
            redis_url=env.get("REDIS_URL") or None,
            secret_key=env.get("SECRET_KEY") or None,
            embed_allowed_origins=tuple((env.get("EMBED_ALLOWED_ORIGINS") or "").split()),
            app_env=(env.get("APP_ENV") or "development").strip().lower(),
            debug=env.get("DEBUG") == "1",
            trusted_proxies=_trusted_proxies(env.get("TRUSTED_PROXIES")),
            log_format=_log_format(env.get("LOG_FORMAT")),
        )

    @property
    def is_production(self) -> bool:
        return self.app_env == PRODUCTION

    def unsafe_production_settings(self) -> list[str]:
        """Each setting production cannot run with, as a sentence an administrator can act on."""
        if not self.is_production:
            return []
        problems = []
        if not self.secret_key:
            problems.append(
                "SECRET_KEY is not set: set it to a long random value shared by every worker."
            )
        elif len(self.secret_key) < 32:
            problems.append("SECRET_KEY is too short: use at least 32 random characters.")
        if self.debug:
            problems.append("DEBUG=1 shows tracebacks to users: unset DEBUG in production.")
        return problems

    def secret_key_or_random(self) -> str:
        return self.secret_key or secrets.token_urlsafe(32)
