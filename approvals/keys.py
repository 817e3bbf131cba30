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
``{p}:timers`` zset by epoch seconds  owner: a member is removed once handled or cleared (a
                                      claim only leases it: its score moves to the lease end)
``{p}:grant_ends`` zset by epoch s    owner: a time-bound grant holding rules, scored by when
                                      its end is next due; removed when it stops holding
``{p}:workers`` zset by epoch seconds  worker heartbeats (``bot.backlog``); members older than a
                                      day are removed by every heartbeat
``{p}:owners:<gw>:<sg>:<s>-<e>`` set  owner: members removed by the worker; Redis deletes an
                                      empty set; owners that are no longer live are pruned
``{p}:lease:<gw>:<sg>:<s>-<e>``       TTL (connect + read timeout and a margin), renewed by its
                                      holder while it writes that rule; deleted by its holder
``{p}:seen:<kind>:<key>``             TTL given by the caller (Slack event dedupe)
``{p}:seen:delivered:<dedupe_key>``   TTL (``DELIVERED_TTL``): a notification Slack already has
``{p}:delivering:<dedupe_key>``       TTL (``DELIVERY_LOCK_TTL``): one replica is sending it now;
                                      deleted by its holder when done
``{p}:cache:gateway:<name or id>``    TTL (``coordination.LISTING_TTL``): the gateway a name means
``{p}:cache:rules:<gateway>``         TTL (``coordination.LISTING_TTL``): rules and creators;
                                      deleted when the bot adds or deletes one of them
``{p}:cache:options:<lookup>``        TTL (``lookups.OPTIONS_TTL``): the options of a form picker
``{p}:cache:missing:<kind>:<ref>``    TTL (``lookups.NEGATIVE_TTL``): a gateway, or a gateway's
                                      services, the cloud said do not exist
``{p}:qrate:<org>:<user>`` zset       TTL of the lookup window, renewed by each lookup
``{p}:creators:<gateway>`` hash       rule id -> request that created it; a field is deleted
                                      when the bot deletes that rule
``{p}:reading:<id>``                  TTL (``READING_TTL``): how a request was read, waiting for
                                      the Confirm of the person who typed it
``{p}:drift:item:<id>``               TTL (``DRIFT_ITEM_TTL``), renewed while the drift is seen;
                                      an ignored item has none (owner: the approver who ignored it)
``{p}:drift:open`` set                owner: members removed when their item is settled (or the
                                      request a button asked for is)
``{p}:drift:due``                     TTL (``SGBOT_RECONCILE_EVERY``): this period's round is taken
``{p}:drift:running``                 TTL (``DRIFT_LEASE_TTL``), renewed by the round that holds
                                      it; deleted by its holder when the round ends
``{p}:auto:<org>:<user>`` zset        TTL of a day, renewed by each grant the policy auto-approves
====================================  ===========================================================

History indexes may name requests whose hash has expired; readers skip those. The chat layer's
caches (people, approver groups) are keyed in ``handlers.cache_keys``.
"""

from __future__ import annotations

from datetime import timedelta

DEFAULT_PREFIX = "sgbot"
JOBS_GROUP = "workers"
OUTBOX_GROUP = "slack"
INTAKE_TTL = timedelta(hours=24)
FINGERPRINT_GRACE = timedelta(days=1)
REQUEST_RETENTION = timedelta(days=30)
DELIVERED_TTL = timedelta(days=2)  # longer than any redelivery of an outbox entry
# Longer than one Slack call may take (the client's 30 s timeout), so a call in flight keeps
# it; a replica that dies holding it delays that one message by at most this long.
DELIVERY_LOCK_TTL = timedelta(seconds=45)
# As long as Slack keeps a response URL usable: a reading older than that is typed again.
READING_TTL = timedelta(minutes=30)
# A settled drift item is remembered this long so a later round does not post it again.
DRIFT_ITEM_TTL = timedelta(days=90)
# Longer than listing one gateway may take; the round renews it per gateway.
DRIFT_LEASE_TTL = timedelta(minutes=2)


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
        self.workers = f"{self.tag}:workers"
        self.grant_ends = f"{self.tag}:grant_ends"
        self.drift_open = f"{self.tag}:drift:open"
        self.drift_due = f"{self.tag}:drift:due"
        self.drift_running = f"{self.tag}:drift:running"

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

    def rule_lease(self, gateway_id: str, security_group_id: str, start: int, end: int) -> str:
        return f"{self.tag}:lease:{gateway_id}:{security_group_id}:{start}-{end}"

    def seen(self, kind: str, key: str) -> str:
        return f"{self.tag}:seen:{kind}:{key}"

    def delivered(self, dedupe_key: str) -> str:
        return self.seen("delivered", dedupe_key)

    def delivering(self, dedupe_key: str) -> str:
        return f"{self.tag}:delivering:{dedupe_key}"

    def gateway_cache(self, gateway_ref: str) -> str:
        return f"{self.tag}:cache:gateway:{gateway_ref}"

    def rules_cache(self, gateway_id: str) -> str:
        return f"{self.tag}:cache:rules:{gateway_id}"

    def options_cache(self, lookup: str) -> str:
        return f"{self.tag}:cache:options:{lookup}"

    def missing_cache(self, kind: str, ref: str) -> str:
        return f"{self.tag}:cache:missing:{kind}:{ref}"

    def query_rate(self, org_id: str, user_id: str) -> str:
        return f"{self.tag}:qrate:{org_id}:{user_id}"

    def rule_creators(self, gateway_id: str) -> str:
        return f"{self.tag}:creators:{gateway_id}"

    def auto_approvals(self, org_id: str, user_id: str) -> str:
        return f"{self.tag}:auto:{org_id}:{user_id}"

    def reading(self, reading_id: str) -> str:
        return f"{self.tag}:reading:{reading_id}"

    def drift_item(self, item_id: str) -> str:
        return f"{self.tag}:drift:item:{item_id}"
