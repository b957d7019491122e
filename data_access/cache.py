"""The shared cache: in-process by default, Redis when REDIS_URL is set.

Memoized readers take only plain values (slug, date, Audience, data version) as arguments, never
the request or the user, so one person's view can never be served to another.
"""

from __future__ import annotations

from flask import Flask
from flask_caching import Cache

cache = Cache()

SIMPLE_TIMEOUT_S = 60  # per process: short, since only Redis invalidation reaches every worker
REDIS_TIMEOUT_S = 3600


def init_app(server: Flask, redis_url: str | None) -> None:
    if redis_url:
        config = {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": redis_url,
            "CACHE_DEFAULT_TIMEOUT": REDIS_TIMEOUT_S,
            "CACHE_KEY_PREFIX": "cspd:",
        }
    else:
        config = {
            "CACHE_TYPE": "SimpleCache",
            "CACHE_DEFAULT_TIMEOUT": SIMPLE_TIMEOUT_S,
            "CACHE_THRESHOLD": 2000,
        }
    cache.init_app(server, config=config)
