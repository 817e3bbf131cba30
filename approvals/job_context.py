"""What every job handler is given, and the steps all of them share.

``JobContext`` carries the store, the cloud, the clock, the policy, the retry budget and the
rule lease TTL into a handler (``writer`` bundles what a rule write needs); ``JobObserver`` is
where a handler reports what it measured. The shared steps are the ones both the apply handlers
(``approvals.jobs``) and the grant-ending ones (``approvals.grants``) take: retrying transient
cloud errors in place, taking a request from its start state into its working state with a
compare-and-set, recording rules' results on the request being worked on (the first rule a
time-bound grant holds starts its clock), and naming the messages a commit owes.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Protocol, TypeVar

from approvals.clock import Clock
from approvals.effects import NO_EFFECTS, Effects
from approvals.ids import new_incident_id
from approvals.leases import RuleLeases
from approvals.machine import transition
from approvals.model import Request, RequestState, RuleResult
from approvals.outbox import NotificationKind, ThreadEvent, notifications
from approvals.ownership import RELIED_ON_OUTCOMES, RuleWriter
from approvals.policy import PolicyConfig
from approvals.policy_source import PolicySource
from approvals.store import RequestStore
from bot.cloud.factory import CloudTuning
from bot.cloud.port import CloudPort
from bot.cloud.regions import RegionalClouds
from bot.cloud.resolve_cache import ResolveCache
from bot.cloud.retry import RetryPolicy
from vocabulary.errors import CloudError

logger = logging.getLogger(__name__)
T = TypeVar("T")


class JobObserver(Protocol):
    """Where a worker reports what it measured (``bot.metrics.Metrics`` in a serving process)."""

    def apply_finished(self, seconds: float) -> None:
        """An apply ended (applied or failed) ``seconds`` after its job was taken."""

    def cloud_failed(self, code: str) -> None:
        """A cloud error ended an apply, or kept a grant's rules in place."""


class NoObserver:
    """A worker that exports no metrics."""

    def apply_finished(self, seconds: float) -> None:
        return None

    def cloud_failed(self, code: str) -> None:
        return None


def rule_lease_ttl(tuning: CloudTuning) -> timedelta:
    """Longer than one cloud call can take (connect plus read timeout), with a margin."""
    return timedelta(milliseconds=tuning.connect_timeout_ms + tuning.read_timeout_ms + 5000)


@dataclass(frozen=True)
class JobContext:
    """What the handlers need; ``attempts`` bounds in-place retries of transient errors."""

    store: RequestStore
    cloud: CloudPort
    clock: Clock
    policy: PolicyConfig
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    attempts: int = 3
    incident_id: Callable[[], str] = new_incident_id
    observer: JobObserver = field(default_factory=NoObserver)
    lease_ttl: timedelta = field(default_factory=lambda: rule_lease_ttl(CloudTuning()))
    rules: PolicySource | None = None  # the policy file; None: the built-in rules
    max_duration: timedelta = timedelta(days=30)  # SGBOT_MAX_DURATION, caps an extension
    max_extensions: int = 3  # SGBOT_MAX_EXTENSIONS per grant
    # Every served region's adapter; None: ``cloud``'s region alone. ``cloud`` is the default
    # region's, so a request without a region (none yet, or stored before regions) goes there.
    clouds: RegionalClouds | None = None
    # Gateway, service-source and cluster metadata the resolve job may reuse between requests
    # (``bot.cloud.resolve_cache``); None: every resolution asks the cloud. Applying never
    # reads it: what a write depends on is read fresh there.
    resolve_cache: ResolveCache | None = None

    @property
    def regional(self) -> RegionalClouds:
        if self.clouds is not None:
            return self.clouds
        return RegionalClouds((self.cloud.region_id,), lambda _region: self.cloud)

    def cloud_for(self, request: Request) -> CloudPort:
        """The adapter of ``request``'s gateway's region: its reads and writes go there only."""
        return self.cloud if request.region is None else self.regional.get(request.region)

    @cached_property
    def policy_source(self) -> PolicySource:
        """The policy file's rules, or the built-in ones, read from their YAML once per context
        (not once per request resolved)."""
        if self.rules is not None:
            return self.rules
        return PolicySource.built_in(self.policy.sensitive_ports, self.policy.broad_ports)

    def writer(self, request: Request) -> RuleWriter:
        """What writes ``request``'s rules, on its region's adapter."""
        leases = RuleLeases(self.store.client, self.store.keys, self.lease_ttl)
        cloud = self.cloud_for(request)
        return RuleWriter(cloud, self.store.work, leases, self.retry, self.store.audit, self.clock)


async def with_retries(ctx: JobContext, step: Callable[[], Awaitable[T]]) -> T:
    """``step``, run again after a pause while it fails transiently (up to ``ctx.attempts``)."""
    for attempt in range(ctx.attempts):
        try:
            return await step()
        except CloudError as exc:
            if not exc.transient or attempt + 1 >= ctx.attempts:
                raise
            logger.warning("transient cloud error (%s); retrying", exc)
            await ctx.retry.pause(attempt)
    raise AssertionError("unreachable: the last attempt returns or raises")


def told(request: Request, *kinds: NotificationKind, step: ThreadEvent | None = None) -> Effects:
    """The messages owed by the commit that saves ``request``'s next version."""
    return Effects(notifications=notifications(request.id, request.version + 1, *kinds, step=step))


def error_code(exc: CloudError) -> str:
    """A short label for metrics: the cloud's error code, or the error's class."""
    return (exc.code or type(exc).__name__)[:40]


async def take(
    ctx: JobContext, request: Request, start: Collection[RequestState], working: RequestState
) -> Request | None:
    """The request in ``working`` state, moving it from one of ``start``; None if not ours.

    The move goes through ``store.update``, so a lost compare-and-set is looked at again rather
    than taken as another worker's win: a write that leaves the state alone (the card's
    location saved as it is posted, say) also bumps the version, and giving up then would ack
    the job with the work undone. ``StaleRequest`` if it keeps changing: the job stays for a
    later claim.
    """
    if request.state is working:
        return request
    if request.state not in start:
        return None
    moved = False

    def move(current: Request) -> tuple[Request, Effects] | None:
        nonlocal moved
        moved = current.state in start
        return (transition(current, working, at=ctx.clock.now()), NO_EFFECTS) if moved else None

    # Confirmed on a replica (where there is one) before any cloud call, so a failover cannot
    # roll the request back to a state that would do the work a second time.
    taken = await ctx.store.update(request.id, move, wait_for_replicas=True)
    return taken if moved else None  # not moved: another worker took it, or it was settled


async def record_result(
    ctx: JobContext, request_id: str, result: RuleResult, grant_ends: datetime | None = None
) -> None:
    """Save one rule's result at once, so a crash loses at most the rule in flight."""
    await record_results(ctx, request_id, [result], grant_ends)


async def record_results(
    ctx: JobContext,
    request_id: str,
    results: Sequence[RuleResult],
    grant_ends: datetime | None = None,
) -> None:
    """Save the results of one round of writes on the request being worked on, in one commit.

    ``grant_ends`` is the end a time-bound grant's rules were added with: the first rule the
    grant holds fixes it (a retry never moves it).
    """
    keys = {(result.security_group_id, result.port_range) for result in results}

    def add_results(current: Request) -> tuple[Request, Effects] | None:
        if current.state is not RequestState.APPLYING:
            return None
        kept = [r for r in current.results if (r.security_group_id, r.port_range) not in keys]
        saved = current.with_results([*kept, *results]).evolve(updated_at=ctx.clock.now())
        starts = grant_ends is not None and current.grant_expires_at is None
        if starts and any(result.outcome in RELIED_ON_OUTCOMES for result in results):
            saved = saved.evolve(grant_expires_at=grant_ends)
        return saved, Effects()

    await ctx.store.update(request_id, add_results)
