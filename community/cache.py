"""The Redis cache backend, with one redis-py client per connection pool.

Django's ``RedisCache`` builds a new ``redis.Redis`` object for every operation; its
constructor fills a table of about 170 response callbacks each time, which cost more
than the round trip itself on pages that make a dozen cache calls (the forums' pages:
session, stamps, fragments). A ``redis.Redis`` is safe to share between threads (its
pool hands out connections), and Django keeps one cache object per thread anyway.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        this: Any = self  # private members of Django's client, absent from the stubs
        index = this._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = this._client(connection_pool=this._get_connection_pool(write))
            self._clients[index] = client
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ReusingClient
