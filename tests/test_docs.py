"""The README documents every command and setting: a test keeps the two in step."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import cli
from dashboard.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
ENV_NAMES = {
    "database_url": "DATABASE_URL",
    "redis_url": "REDIS_URL",
    "secret_key": "SECRET_KEY",
    "embed_allowed_origins": "EMBED_ALLOWED_ORIGINS",
    "app_env": "APP_ENV",
    "debug": "DEBUG",
    "trusted_proxies": "TRUSTED_PROXIES",
    "log_format": "LOG_FORMAT",
}


@pytest.mark.parametrize("command", [c.name for c in cli.COMMANDS])
def test_every_cli_command_is_in_the_readme(command: str) -> None:
    assert f"`{command}" in README


@pytest.mark.parametrize(
    "field", [f.name for f in dataclasses.fields(Settings) if f.name != "testing"]
)
def test_every_setting_is_read_from_a_documented_variable(field: str) -> None:
    assert f"`{ENV_NAMES[field]}`" in README


def test_the_quick_start_is_the_two_commands() -> None:
    quick_start = README.split("## Quick start", 1)[1].split("##", 1)[0]
    assert "make run" in quick_start
    assert "make test" in quick_start


def test_settings_come_from_the_environment_with_laptop_defaults() -> None:
    assert Settings.from_env({}).database_url == "sqlite:///instance/dashboard.db"
    settings = Settings.from_env(
        {
            "DATABASE_URL": "postgres://u@h/db",
            "REDIS_URL": "redis://r",
            "EMBED_ALLOWED_ORIGINS": "https://a.gov.uk https://b.gov.uk",
        }
    )
    assert settings.database_url == "postgresql+psycopg://u@h/db"
    assert settings.embed_allowed_origins == ("https://a.gov.uk", "https://b.gov.uk")


def test_production_without_a_secret_key_is_refused_with_a_sentence_to_act_on() -> None:
    problems = Settings.from_env({"APP_ENV": "production"}).unsafe_production_settings()
    assert problems == [
        "SECRET_KEY is not set: set it to a long random value shared by every worker."
    ]
