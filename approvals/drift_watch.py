"""The periodic reconcile every worker shares: one round per period, by one replica at a time.

Each worker runs ``DriftWatch.run`` beside its job loop. Every ``SGBOT_RECONCILE_EVERY`` one of
them wins the round (``DriftStore.start_round``), looks at each managed gateway in turn
(renewing its lease between gateways, and stopping if it lost it), records what it found and
queues the post of each new item to the security channel (``approvals.drift_store``). Items
still open that a round no longer finds on a gateway it looked at are marked resolved, and an
item whose Re-apply or Revoke request did nothing (denied, expired, failed) is open again. A cloud
error on one gateway is logged and that gateway is skipped this round; its open items stay open.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from approvals.clock import Clock
from approvals.drift import DriftIgnore, DriftItem, DriftStatus, find_items, managed_gateways
from approvals.drift_store import DriftStore
from approvals.job_context import JobContext
from approvals.machine import HOLDING
from approvals.model import RequestState
from approvals.policy_source import PolicySource
from approvals.reconcile import applied_grants
from approvals.store import RequestStore
from bot.cloud.port import CloudPort
from bot.cloud.regions import RegionalClouds, locate_gateway
from bot.settings import Settings
from vocabulary.commands import GatewayRef
from vocabulary.errors import CloudError, UserError

log = logging.getLogger(__name__)

# How often a replica asks whether this period's round is still to run.
MAX_POLL = timedelta(seconds=30)


@dataclass(frozen=True)
class Round:
    """What one round did."""

    gateways: tuple[str, ...]
    found: tuple[DriftItem, ...]  # every item seen, new or not
    posted: tuple[DriftItem, ...]  # the new ones, queued for the security channel
    resolved: tuple[str, ...]  # ids of open items no longer found


NOT_DONE = frozenset(
    {
        RequestState.DENIED,
        RequestState.EXPIRED,
        RequestState.CANCELLED,
        RequestState.REJECTED,
        RequestState.FAILED,
    }
)
"""States of a follow-up request that did nothing: its drift item takes buttons again."""


def _not_counted(kind: str) -> None:
    return None


def _reopened(follow_up: str) -> Callable[[DriftItem], DriftItem | None]:
    def reopen(current: DriftItem) -> DriftItem | None:
        if current.follow_up != follow_up:
            return None
        return current.settled(DriftStatus.OPEN, None, None)

    return reopen


@dataclass
class DriftWatch:
    store: RequestStore
    drift: DriftStore
    cloud: CloudPort
    clock: Clock
    every: timedelta
    watched: Sequence[str] = ()  # SGBOT_WATCH_GATEWAYS: ids or exact names
    ignore: DriftIgnore = field(default_factory=DriftIgnore)
    counted: Callable[[str], None] = _not_counted  # new items, by kind (metrics)
    policy: PolicySource | None = None  # its drift_ignore adds to SGBOT_DRIFT_IGNORE
    # Every served region's adapter; None: ``cloud``'s region alone. A gateway is read on
    # its own region's endpoints: its grants' region, or where a watched one was found.
    clouds: RegionalClouds | None = None

    @property
    def _regional(self) -> RegionalClouds:
        if self.clouds is not None:
            return self.clouds
        return RegionalClouds((self.cloud.region_id,), lambda _region: self.cloud)

    def _ignore(self) -> DriftIgnore:
        """Read each round, so a reloaded policy file applies from the next one."""
        if self.policy is None:
            return self.ignore
        section = self.policy.current().document.drift_ignore
        return self.ignore.merged(section.rule_ids, section.description_prefixes)

    async def run_once(self) -> Round | None:
        """This period's round if no replica ran it yet; None when another did or does."""
        token = await self.drift.start_round(self.every)
        if token is None:
            return None
        try:
            return await self._round(token)
        finally:
            await self.drift.end_round(token)

    async def _round(self, token: str) -> Round:
        grants = await applied_grants(self.store)  # walked once for every gateway
        regional = self._regional
        region_of = {g.gateway_id: g.region or regional.default for g in grants if g.gateway_id}
        watched = await self._watched_ids(regional)
        region_of |= watched
        gateways = managed_gateways(grants, list(watched))
        found: list[DriftItem] = []
        looked: list[str] = []
        ignore = self._ignore()
        for gateway_id in gateways:
            if not await self.drift.renew_round(token):
                log.warning("drift round lost its lease; stopping before %s", gateway_id)
                break
            try:
                now = self.clock.now()
                cloud = regional.get(region_of.get(gateway_id, regional.default))
                found += await find_items(
                    self.store, cloud, [gateway_id], ignore, now, grants=grants
                )
            except CloudError as exc:
                log.warning("drift: %s skipped this round (%s)", gateway_id, exc)
                continue
            looked.append(gateway_id)
        posted = []
        for item in found:
            if await self.drift.record(item):
                posted.append(item)
                self.counted(item.kind.value)
                log.info("drift %s: %s on %s", item.id, item.kind.value, item.gateway_id)
        resolved = await self.drift.resolve_unseen({item.id for item in found}, looked)
        await self._follow_ups()
        return Round(tuple(looked), tuple(found), tuple(posted), tuple(resolved))

    async def _follow_ups(self) -> None:
        """Items waiting on a request a button asked for: done once it holds or applied; open
        again (buttons back) when it was denied, expired, withdrawn or failed."""
        for item_id in sorted(await self.drift.open_ids()):
            item = await self.drift.get(item_id)
            if item is None:
                await self.drift.forget_open(item_id)
                continue
            if item.follow_up is None:
                continue
            asked = await self.store.get(item.follow_up)
            state = asked.state if asked is not None else RequestState.EXPIRED
            if state in HOLDING or state is RequestState.REVOKED:
                await self.drift.forget_open(item_id)
            elif state in NOT_DONE:
                await self.drift.update(item_id, _reopened(item.follow_up))
                await self.drift.redraw(item_id, f"reopened-{item.follow_up}")
                log.info("drift %s: %s was %s; open again", item_id, item.follow_up, state.value)

    async def _watched_ids(self, regional: RegionalClouds) -> dict[str, str]:
        """Each watched gateway's id and the region that holds it."""
        ids = {}
        for ref in self.watched:
            try:
                cloud, found = await locate_gateway(regional, GatewayRef(value=ref))
            except (CloudError, UserError) as exc:
                log.warning("SGBOT_WATCH_GATEWAYS: %s is not watched this round (%s)", ref, exc)
                continue
            ids[found.unique_id] = cloud.region_id
        return ids

    async def run(self, stop: asyncio.Event) -> None:
        """Take part in the rounds until ``stop`` is set."""
        poll = min(self.every, MAX_POLL).total_seconds()
        try:
            # The first round comes a period after start-up, not at once: a restart, or tests
            # and tools that start a bot on a prepared Redis, are not a reason to reconcile.
            await self.drift.defer_round(self.every)
        except Exception:
            log.exception("drift: could not schedule the first round; polling anyway")
        while not stop.is_set():
            try:
                done = await self.run_once()
                if done is not None:
                    log.info(
                        "drift round: %d gateway(s), %d item(s), %d new, %d resolved",
                        len(done.gateways), len(done.found), len(done.posted), len(done.resolved),
                    )  # fmt: skip
            except Exception:
                # Redis or the cloud away: the next poll tries again.
                log.exception("drift round failed; trying again")
            try:
                await asyncio.wait_for(stop.wait(), poll)
            except TimeoutError:
                continue


def build_watch(
    settings: Settings, context: JobContext, *, counted: Callable[[str], None] = _not_counted
) -> DriftWatch | None:
    """The watch the settings describe, on the clouds, store and policy file the worker's
    ``context`` holds; None when ``SGBOT_RECONCILE_EVERY=off``."""
    if settings.reconcile_every is None:
        return None
    store = context.store
    return DriftWatch(
        store=store,
        drift=DriftStore(store.client, store.keys),
        cloud=context.cloud,
        clock=context.clock,
        every=settings.reconcile_every,
        watched=tuple(settings.watch_gateways),
        ignore=DriftIgnore.from_entries(settings.drift_ignore),
        counted=counted,
        policy=context.rules,
        clouds=context.clouds,
    )
