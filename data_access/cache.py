"""The shared cache: in-process by default, Redis when REDIS_URL is set.

Memoized readers take only plain values (slug, date, Audience, data version) as arguments, never
the request or the user, so one person's view can never be served to another. A Redis that fails
or hangs costs one call half a second at most: the cache then stands aside for a while and every
memoized reader calls its function directly, as correctness never depends on the cache.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from flask import Flask
from flask_caching import Cache
from flask_caching.backends.rediscache import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger(__name__)

cache = Cache()

SIMPLE_TIMEOUT_S = 60  # per process: short, since only Redis invalidation reaches every worker
REDIS_TIMEOUT_S = 3600
REDIS_SOCKET_TIMEOUT_S = 0.5  # connecting and each reply: a hung Redis costs a call this, once
REDIS_DOWN_FOR_S = 30.0  # after a failure, how long every call skips Redis before trying again

T = TypeVar("T")


class ResilientRedisCache(RedisCache):
    """flask-caching's RedisCache that, after a Redis error, logs one warning and answers as an
    empty cache for REDIS_DOWN_FOR_S without touching Redis; then one call tries Redis again."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lock = threading.Lock()
        self._down_since: float | None = None  # monotonic time of the first failure
        self._skip_until = 0.0

    def _usable(self) -> bool:
        with self._lock:
            now = time.monotonic()
            if now < self._skip_until:
                return False
            if self._down_since is not None:
                # this call probes Redis; the others keep skipping it until the probe answers
                self._skip_until = now + REDIS_DOWN_FOR_S
            return True

    def _failed(self, error: RedisError) -> None:
        with self._lock:
            first = self._down_since is None
            now = time.monotonic()
            self._down_since = now if first else self._down_since
            self._skip_until = now + REDIS_DOWN_FOR_S
        if first:
            logger.warning(
                "Redis cache unavailable (%s: %s): answering without the cache, trying it "
                "again every %.0f s",
                type(error).__name__,
                error,
                REDIS_DOWN_FOR_S,
            )

    def _answered(self) -> None:
        if self._down_since is None:
            return
        with self._lock:
            since, self._down_since, self._skip_until = self._down_since, None, 0.0
        if since is not None:
            logger.warning("Redis cache answering again after %.0f s", time.monotonic() - since)

    def _guarded(self, call: Callable[[], T], miss: T) -> T:
        if not self._usable():
            return miss
        try:
            answer = call()
        except RedisError as error:
            self._failed(error)
            return miss
        self._answered()
        return answer

    @property
    def is_down(self) -> bool:
        """True while calls skip Redis after a failure."""
        return self._down_since is not None

    def ping(self) -> bool:
        """Whether Redis answers now (at most REDIS_SOCKET_TIMEOUT_S), through the same guard."""
        return self._guarded(lambda: bool(self._read_client.ping()), False)

    def get(self, key: str) -> Any:
        return self._guarded(partial(super().get, key), None)

    def get_many(self, *keys: str) -> list[Any]:
        return self._guarded(partial(super().get_many, *keys), [None] * len(keys))

    def has(self, key: str) -> bool:
        return self._guarded(partial(super().has, key), False)

    def set(self, key: str, value: Any, timeout: int | None = None) -> Any:
        return self._guarded(partial(super().set, key, value, timeout), False)

    def add(self, key: str, value: Any, timeout: int | None = None) -> Any:
        return self._guarded(partial(super().add, key, value, timeout), False)

    def set_many(self, mapping: dict[str, Any], timeout: int | None = None) -> list[Any]:
        return self._guarded(partial(super().set_many, mapping, timeout), [])

    def delete(self, key: str) -> bool:
        return self._guarded(partial(super().delete, key), False)

    def delete_many(self, *keys: str) -> list[Any]:
        return self._guarded(partial(super().delete_many, *keys), [])

    def unlink(self, *keys: str) -> Any:
        return self._guarded(partial(super().unlink, *keys), 0)

    def clear(self) -> bool:
        return self._guarded(super().clear, False)

    def inc(self, key: str, delta: int = 1) -> Any:
        return self._guarded(partial(super().inc, key, delta), None)

    def dec(self, key: str, delta: int = 1) -> Any:
        return self._guarded(partial(super().dec, key, delta), None)


def redis_options() -> dict[str, Any]:
    """redis-py options: short timeouts, and one immediate retry only for a dropped connection
    (redis-py's default retries ten times with back-off, which would turn 0.5 s into seconds)."""
    return {
        "socket_timeout": REDIS_SOCKET_TIMEOUT_S,
        "socket_connect_timeout": REDIS_SOCKET_TIMEOUT_S,
        "retry": Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
    }


def init_app(server: Flask, redis_url: str | None) -> None:
    if redis_url:
        config = {
            "CACHE_TYPE": f"{__name__}.{ResilientRedisCache.__name__}",
            "CACHE_REDIS_URL": redis_url,
            "CACHE_DEFAULT_TIMEOUT": REDIS_TIMEOUT_S,
            "CACHE_KEY_PREFIX": "cspd:",
            "CACHE_OPTIONS": redis_options(),
        }
    else:
        config = {
            "CACHE_TYPE": "SimpleCache",
            "CACHE_DEFAULT_TIMEOUT": SIMPLE_TIMEOUT_S,
            "CACHE_THRESHOLD": 2000,
        }
    cache.init_app(server, config=config)


def cache_available(server: Flask) -> bool:
    """Whether the shared cache answers: always for the in-process cache; for Redis, False while
    it is skipped after a failure, else whether it answers a ping now (for /healthz)."""
    backend = server.extensions["cache"][cache]
    if isinstance(backend, ResilientRedisCache):
        return not backend.is_down and backend.ping()
    return True
