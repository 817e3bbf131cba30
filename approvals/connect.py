"""Build a Redis client from a URL: standalone, Cluster or Sentinel.

redis-py understands ``redis://``, ``rediss://`` and ``unix://``. Two more schemes name the
other deployments:

* ``redis+cluster://[user:password@]host:port[,host:port...]`` - a Redis Cluster; the listed
  nodes are startup nodes, the rest are discovered.
* ``redis+sentinel://[user:password@]host:port[,host:port...]/<service_name>[/<db>]`` - the
  master of ``service_name`` as the listed Sentinels report it, followed across failovers.

Every client decodes replies to ``str``; the store relies on it. Nothing connects until the
first command. A URL is only ever shown through ``redacted_url``, which hides its password, and
a URL that cannot be used becomes one ``ConfigError`` naming it that way.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from redis.asyncio import Redis
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.asyncio.sentinel import Sentinel

from vocabulary.errors import ConfigError

RedisClient = Redis | RedisCluster
CLUSTER_SCHEME = "redis+cluster"
SENTINEL_SCHEME = "redis+sentinel"
DEFAULT_PORT = 6379
DEFAULT_SENTINEL_PORT = 26379


def redacted_url(url: str) -> str:
    """``url`` with any password replaced by ``***`` (user names and hosts stay), whether in
    the user info or in the query (``?password=…``, which redis-py reads too)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    netloc, slash, path = rest.partition("/")
    path = _QUERY_SECRET.sub(r"\1***", path)
    if slash == "" and "?" in netloc:  # no path: the query follows the hosts directly
        netloc, _, query = netloc.partition("?")
        path = _QUERY_SECRET.sub(r"\1***", "?" + query)
    userinfo, at, hosts = netloc.rpartition("@")
    if not at:
        return f"{scheme}://{netloc}{slash}{path}"
    user, colon, _ = userinfo.partition(":")
    shown = f"{user}:***" if colon else ("***" if user else "")
    return f"{scheme}://{shown}@{hosts}{slash}{path}"


_QUERY_SECRET = re.compile(r"([?&](?:password|sentinel_password)=)[^&#]*", re.IGNORECASE)


def _hosts(netloc: str, default_port: int) -> list[tuple[str, int]]:
    hosts: list[tuple[str, int]] = []
    for part in netloc.rpartition("@")[2].split(","):
        host, _, port = part.strip().rpartition(":") if ":" in part else (part.strip(), "", "")
        if not host:
            raise ConfigError(f"Redis URL has an empty host in {netloc.rpartition('@')[2]!r}")
        hosts.append((host, int(port) if port else default_port))
    return hosts


def _credentials(netloc: str) -> tuple[str | None, str | None]:
    userinfo, at, _ = netloc.rpartition("@")
    if not at:
        return None, None
    user, colon, password = userinfo.partition(":")
    return (unquote(user) or None), (unquote(password) if colon else None)


def connect(url: str) -> RedisClient:
    """A client for ``url`` (see the module docstring for the schemes)."""
    try:
        return _connect(url)
    except ValueError as exc:
        raise ConfigError(f"REDIS_URL {redacted_url(url)} is not usable: {exc}") from None


def _connect(url: str) -> RedisClient:
    parts = urlsplit(url)
    if parts.scheme in {"redis", "rediss", "unix"}:
        return Redis.from_url(url, decode_responses=True)
    username, password = _credentials(parts.netloc)
    if parts.scheme == CLUSTER_SCHEME:
        nodes = [ClusterNode(host, port) for host, port in _hosts(parts.netloc, DEFAULT_PORT)]
        return RedisCluster(
            startup_nodes=nodes, username=username, password=password, decode_responses=True
        )
    if parts.scheme == SENTINEL_SCHEME:
        path = [segment for segment in parts.path.split("/") if segment]
        if not path or len(path) > 2 or (len(path) == 2 and not path[1].isdigit()):
            raise ConfigError(
                f"a Sentinel URL ends in /<service_name>[/<db>], not {parts.path or '(nothing)'}"
            )
        sentinel = Sentinel(
            _hosts(parts.netloc, DEFAULT_SENTINEL_PORT),
            sentinel_kwargs={"username": username, "password": password},
            username=username,
            password=password,
            db=int(path[1]) if len(path) == 2 else 0,
            decode_responses=True,
        )
        master: Redis = sentinel.master_for(path[0])
        return master
    raise ConfigError(
        f"Redis URL scheme {parts.scheme!r} is not one of redis, rediss, unix, "
        f"{CLUSTER_SCHEME}, {SENTINEL_SCHEME}"
    )
