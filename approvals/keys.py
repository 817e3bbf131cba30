"""Every Redis key sgbot uses, built in one place, with who deletes it.

All keys sit under one hash tag, ``{<prefix>}`` (default ``{sgbot}``), so every key a script
touches hashes to one slot and the bot runs unchanged on Redis Cluster; a different prefix lets
tests or deployments share a server. Lifetimes, per key:

====================================  ===========================================================
key                                   lifetime
====================================  ===========================================================
``{p}:req:<id>`` hash v, json         owner: live until terminal, then a retention TTL (30 days)
``{p}:intake:<intake_key>``           TTL (``INTAKE_TTL``): Slack retries within it find the id
``{p}:rate:<org>:<user>`` zset        TTL of the rate window, renewed by each new request
``{p}:fp:<fingerprint>`` string       owner: deleted by the commit that takes its request out of
                                      pending; a TTL a day past the deadline guards against bugs
``{p}:pending`` zset by expires_at    owner: members removed when a request leaves pending
``{p}:live`` zset by created_at       owner: members removed when a request reaches a terminal state
``{p}:idx:user:<org>:<user>`` zset    history index, trimmed to ``history_length`` on insert
``{p}:idx:gw:<gateway>`` zset         history index, trimmed to ``history_length`` on insert
``{p}:history`` zset by created_at    history index, trimmed to ``history_length`` on insert
``{p}:jobs`` stream (group workers)   owner: an entry is deleted when the worker acks it
``{p}:outbox`` stream (group slack)   owner: an entry is deleted when the Slack layer acks it
``{p}:audit`` stream                  trimmed by ``MAXLEN ~`` on every append
``{p}:timers`` zset by epoch seconds  owner: a member is removed when claimed or cleared
``{p}:owners:<gw>:<sg>:<s>-<e>`` set  owner: members removed by the worker; Redis deletes an
                                      empty set; owners that are no longer live are pruned
``{p}:seen:<kind>:<key>``             TTL given by the caller (Slack event dedupe)
====================================  ===========================================================

History indexes may name requests whose hash has expired; readers skip those.
"""

from __future__ import annotations

from datetime import timedelta

DEFAULT_PREFIX = "sgbot"
JOBS_GROUP = "workers"
OUTBOX_GROUP = "slack"
INTAKE_TTL = timedelta(hours=24)
FINGERPRINT_GRACE = timedelta(days=1)
REQUEST_RETENTION = timedelta(days=30)


class Keys:
    """Key builders for one prefix; ``tag`` is the shared hash tag ``{prefix}``."""

    def __init__(self, prefix: str = DEFAULT_PREFIX) -> None:
        if not prefix or any(char in prefix for char in "{}:"):
            raise ValueError(f"a key prefix must be non-empty without braces or colons: {prefix!r}")
        self.prefix = prefix
        self.tag = f"{{{prefix}}}"
        self.pending = f"{self.tag}:pending"
        self.live = f"{self.tag}:live"
        self.history = f"{self.tag}:history"
        self.jobs = f"{self.tag}:jobs"
        self.outbox = f"{self.tag}:outbox"
        self.audit = f"{self.tag}:audit"
        self.timers = f"{self.tag}:timers"

    def request(self, request_id: str) -> str:
        return f"{self.tag}:req:{request_id}"

    def intake(self, intake_key: str) -> str:
        return f"{self.tag}:intake:{intake_key}"

    def rate(self, org_id: str, user_id: str) -> str:
        return f"{self.tag}:rate:{org_id}:{user_id}"

    def fingerprint(self, fingerprint: str) -> str:
        return f"{self.tag}:fp:{fingerprint}"

    def user_index(self, org_id: str, user_id: str) -> str:
        return f"{self.tag}:idx:user:{org_id}:{user_id}"

    def gateway_index(self, gateway_id: str) -> str:
        return f"{self.tag}:idx:gw:{gateway_id}"

    def owners(self, gateway_id: str, security_group_id: str, start: int, end: int) -> str:
        return f"{self.tag}:owners:{gateway_id}:{security_group_id}:{start}-{end}"

    def seen(self, kind: str, key: str) -> str:
        return f"{self.tag}:seen:{kind}:{key}"
