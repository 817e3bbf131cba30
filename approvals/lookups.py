"""Reads that ask the cloud on a person's behalf: bounded, cached, and on threads of their own.

``list rules for gateway <anything>``, ``history gateway <name>`` and the request form's
gateway and service pickers ask the cloud, so a flood of them must not slow applies and
revokes. Three bounds:

* each person may make ``rate_limit`` lookups that reach the cloud per ``RATE_WINDOW`` (a
  sliding window in Redis, shared by every replica; an answer from a cache is not counted);
* a gateway that does not exist, and a gateway with no services (or none at all), are
  remembered for ``NEGATIVE_TTL``, so asking again costs no cloud call; a gateway that exists
  and its rule listing are cached for ``coordination.LISTING_TTL``, and the request form's
  picker options (the same for everyone who may read them) for ``OPTIONS_TTL``;
* ``cloud`` is an adapter of its own (the serving process builds it with
  ``QUERY_THREADS`` threads), so queries never wait for, or hold, the worker's cloud threads.

Every lookup checks first that the person is a full member (``policy.check_reader``).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from approvals.audit import refusal_fields
from approvals.clock import Clock
from approvals.policy import Person, PolicyConfig, actor_from_user, check_reader
from approvals.results import RateLimited
from approvals.scripts import QUERY_RATE
from approvals.store import RequestStore
from bot.catalogue import say
from bot.cloud.port import CloudPort, Gateway, GatewayRule
from bot.cloud.regions import RegionalClouds, locate_gateway
from bot.cloud.resolve import find_gateway
from bot.cloud.rules import list_rules
from vocabulary.commands import GatewayRef
from vocabulary.errors import NotFound, PolicyRefused

QUERY_THREADS = 2
RATE_WINDOW = timedelta(minutes=1)
NEGATIVE_TTL = timedelta(seconds=60)
# Gateways and services change rarely; typing in a picker re-asks many times a minute.
OPTIONS_TTL = timedelta(minutes=5)
Options = list[tuple[str, str]]


@dataclass(frozen=True)
class RulesListing:
    """A gateway's rules; ``creators`` maps the id of each rule sgbot made to its request."""

    gateway: Gateway
    rules: Sequence[GatewayRule]
    creators: Mapping[int, str]
    region: str = ""


@dataclass(frozen=True)
class GatewayRules:
    """One gateway's rule count in an overview, and how many of them sgbot made."""

    name: str
    unique_id: str
    count: int
    owned: int


class CloudLookups:
    def __init__(
        self,
        store: RequestStore,
        cloud: CloudPort,
        clock: Clock,
        policy: PolicyConfig,
        rate_limit: int = 30,
        *,
        clouds: RegionalClouds | None = None,
    ) -> None:
        self.store = store
        self.cloud = cloud  # the default region's
        # Every served region's adapter (query threads of their own); None: ``cloud`` alone.
        self.clouds = clouds
        self._clock = clock
        self._policy = policy
        self._rate_limit = rate_limit
        self._rate = store.client.register_script(QUERY_RATE)

    async def check_reader(self, user: Person, doing: str) -> None:
        """Refuse (and audit) a read by anyone but a full member of our organisation."""
        try:
            check_reader(user, self._policy)
        except PolicyRefused as exc:
            await self._audit_refusal(user, doing, str(exc))
            raise

    async def _audit_refusal(self, user: Person, doing: str, reason: str) -> None:
        now = self._clock.now()
        fields = refusal_fields(actor_from_user(user), doing, reason, at=now)
        await self.store.audit.append(fields)

    async def _count(self, user: Person, doing: str) -> None:
        """Count one lookup that reaches the cloud; ``RateLimited`` past the person's limit."""
        now_ms = int(self._clock.now().timestamp() * 1000)
        window_ms = int(RATE_WINDOW.total_seconds() * 1000)
        key = self.store.keys.query_rate(user.org_id, user.user_id)
        member = f"{now_ms}:{secrets.token_hex(4)}"
        wait_ms = int(
            await self._rate(keys=[key], args=[now_ms, window_ms, self._rate_limit, member])
        )
        if wait_ms > 0:
            reason = say("refuse.lookup_rate", count=self._rate_limit, wait=max(wait_ms // 1000, 1))
            await self._audit_refusal(user, doing, reason)
            raise RateLimited(reason)

    async def count(self, user: Person, doing: str) -> None:
        """Count a lookup made outside this class (a ``check``) against the person's limit."""
        await self._count(user, doing)

    async def gateway(self, user: Person, ref: GatewayRef) -> Gateway:
        """The gateway ``ref`` names, from the caches when they know it."""
        await self.check_reader(user, f"look up gateway {ref.value}")
        work = self.store.work
        found = await work.cached_gateway(ref.value)
        if found is not None:
            return found
        missing = await work.known_missing("gateway", ref.value)
        if missing is not None:
            raise NotFound(missing)
        await self._count(user, f"look up gateway {ref.value}")
        try:
            found = await find_gateway(self.cloud, ref)
        except NotFound as exc:
            await work.remember_missing("gateway", ref.value, str(exc), NEGATIVE_TTL)
            raise
        await work.cache_gateway(ref.value, found)
        return found

    @property
    def regions(self) -> tuple[str, ...]:
        return self.clouds.regions if self.clouds is not None else (self.cloud.region_id,)

    async def locate(
        self, user: Person, ref: GatewayRef, region: str | None = None
    ) -> tuple[CloudPort, Gateway]:
        """The gateway ``ref`` names (in ``region``, if given) and its region's adapter.

        With one region served the caches answer as before; with several a name may be in
        any of them, so it is looked up in each (one counted lookup)."""
        if self.clouds is None or (len(self.regions) == 1 and region in (None, self.regions[0])):
            return self.cloud, await self.gateway(user, ref)
        await self.check_reader(user, f"look up gateway {ref.value}")
        await self._count(user, f"look up gateway {ref.value}")
        return await locate_gateway(self.clouds, ref, region)

    async def rules_listing(
        self, user: Person, ref: GatewayRef, region: str | None = None
    ) -> RulesListing:
        """The gateway's rules and which requests created them; the cloud's answer is reused
        for ``LISTING_TTL`` (the bot's own rule changes drop it at once)."""
        cloud, found = await self.locate(user, ref, region)
        work = self.store.work
        listing = await work.cached_listing(found.unique_id)
        if listing is None:
            await self._count(user, f"list rules of {found.unique_id}")
            rules = tuple(await list_rules(cloud, found.unique_id))
            listing = (rules, await work.rule_creators(found.unique_id))
            await work.cache_listing(found.unique_id, listing)
        return RulesListing(found, *listing, region=cloud.region_id)

    async def every_gateway(self, user: Person) -> list[tuple[str, list[GatewayRules]]]:
        """Each served region's gateways and their rule counts, region by region, each read
        on its own region's endpoints (one counted lookup per region)."""
        await self.check_reader(user, "list rules of every gateway")
        overview = []
        for region in self.regions:
            cloud = self._cloud_of(region)
            await self._count(user, f"list rules in {region}")
            found = []
            for summary in await cloud.find_gateways_by_name(""):
                rules = await list_rules(cloud, summary.unique_id)
                owners = await self.store.work.rule_creators(summary.unique_id)
                owned = sum(1 for rule in rules if rule.rule_id in owners)
                found.append(GatewayRules(summary.name, summary.unique_id, len(rules), owned))
            overview.append((region, found))
        return overview

    async def _cached_options(
        self, lookup: str, fetch: Callable[[], Awaitable[Options]]
    ) -> Options:
        key = self.store.keys.options_cache(lookup)
        cached = await self.store.client.get(key)
        if cached is not None:
            return [(str(label), str(value)) for label, value in json.loads(cached)]
        options = await fetch()
        await self.store.client.set(key, json.dumps(options), ex=OPTIONS_TTL)
        return options

    async def gateway_options(self, user: Person) -> Options:
        """Every gateway, as (label, unique id) for the request form's picker; with several
        regions served the label names the region too."""
        await self.check_reader(user, "list gateways")
        return await self._cached_options("gateways", lambda: self._gateway_options(user))

    async def _gateway_options(self, user: Person) -> Options:
        await self._count(user, "list gateways")
        several = len(self.regions) > 1
        options = []
        for region in self.regions:
            for g in await self._cloud_of(region).find_gateways_by_name(""):
                label = f"{g.name} ({g.unique_id})"
                options.append((f"{label} {region}" if several else label, g.unique_id))
        return options

    def _cloud_of(self, region: str) -> CloudPort:
        return self.clouds.get(region) if self.clouds is not None else self.cloud

    def _regional(self) -> RegionalClouds:
        return self.clouds or RegionalClouds((self.cloud.region_id,), lambda _: self.cloud)

    async def service_options(self, user: Person, gateway_id: str) -> Options:
        """A gateway's services, as (name, name) for the picker; none for a missing gateway."""
        await self.check_reader(user, f"list services of {gateway_id}")
        return await self._cached_options(
            f"services:{gateway_id}", lambda: self._service_options(user, gateway_id)
        )

    async def _service_options(self, user: Person, gateway_id: str) -> Options:
        work = self.store.work
        if await work.known_missing("services", gateway_id) is not None:
            return []
        await self._count(user, f"list services of {gateway_id}")
        try:
            cloud = self.cloud
            if len(self.regions) > 1:  # the id is found in whichever region holds it
                cloud, _ = await locate_gateway(self._regional(), GatewayRef(value=gateway_id))
            found = await cloud.list_gateway_services(gateway_id, "", None)
        except NotFound:
            found = []
        if not found:  # no such gateway, or no services yet: either way, not again soon
            await work.remember_missing("services", gateway_id, "no services", NEGATIVE_TTL)
        return [(s.qualified_name, s.qualified_name) for s in found]
