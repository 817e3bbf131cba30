"""The drift watch against the emulator: each kind found and posted once, one round at a time."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from approvals.connect import connect
from approvals.drift import DriftIgnore, DriftKind, DriftStatus
from approvals.drift_store import DriftStore
from approvals.drift_watch import DriftWatch
from approvals.outbox import NotificationKind
from approvals.policy_file import default_policy
from approvals.policy_source import PolicySource
from approvals.results import StoreConfig
from approvals.store import RequestStore
from tests.approvals.workflow import Flow, open_flow, to_group
from tests.cloud.adapter_support import PROD_GW
from tests.fixtures.emulator import EmulatorHandle
from vocabulary.commands import PortRange

pytestmark = pytest.mark.redis

# A round per millisecond: tests run rounds back to back without waiting out a period.
EVERY = timedelta(milliseconds=1)


@pytest.fixture
async def flow(redis_url: str, emulator: EmulatorHandle) -> AsyncIterator[Flow]:
    async with open_flow(redis_url, emulator, prefix=f"drift-{uuid.uuid4().hex[:8]}") as opened:
        yield opened


def watch_of(flow: Flow, store: RequestStore | None = None, **extra: object) -> DriftWatch:
    store = store or flow.store
    return DriftWatch(
        store=store,
        drift=DriftStore(store.client, store.keys),
        cloud=flow.cloud,
        clock=flow.clock,
        every=EVERY,
        **extra,  # type: ignore[arg-type]
    )


async def make_drift(flow: Flow) -> tuple[str, int, int]:
    """A grant whose rule is deleted in the console without its inbound rule, and a rule
    added in the console; the grant's id, its gone rule and the added rule."""
    gone = await flow.grant(to_group("sg-legacyapp01"))
    gone_rule = gone.results[0].rule_id
    assert gone_rule is not None
    await flow.cloud.delete_rule(PROD_GW, gone_rule, cascade=False)
    added = await flow.add_by_hand("sg-legacyapp02", 9090, "terraform: edge")
    return gone.id, gone_rule, added


async def posted_ids(flow: Flow) -> list[str]:
    """Items whose first post was queued (redraws of a post carry a longer dedupe key)."""
    first = f"{NotificationKind.DRIFT_ITEM}:"
    return [
        n.request_id
        for n in await flow.outbox()
        if n.kind is NotificationKind.DRIFT_ITEM and n.dedupe_key == first + n.request_id
    ]


async def next_round(watch: DriftWatch) -> list[tuple[str, int]]:
    await asyncio.sleep(0.01)  # the period (EVERY) is over
    done = await watch.run_once()
    assert done is not None
    return sorted((item.kind.value, item.rule_id) for item in done.posted)


async def test_each_kind_is_posted_once(flow: Flow) -> None:
    grant_id, gone_rule, added_rule = await make_drift(flow)
    counted: list[str] = []
    watch = watch_of(flow, counted=counted.append)

    first = await next_round(watch)

    assert first == sorted(
        [
            ("gone", gone_rule),
            ("orphan", gone_rule),  # the inbound rule the console delete left behind
            ("unapproved", 1),  # from before the bot
            ("unapproved", added_rule),
        ]
    )
    assert sorted(counted) == ["gone", "orphan", "unapproved", "unapproved"]
    assert await next_round(watch) == []  # a later round posts nothing again
    ids = await posted_ids(flow)
    assert len(ids) == len(set(ids)) == 4
    items = [await watch.drift.require(item_id) for item_id in ids]
    gone = next(item for item in items if item.kind is DriftKind.GONE)
    assert gone.request_ids == (grant_id,)
    assert gone.status is DriftStatus.OPEN


async def test_ignored_by_description_prefix_or_rule_id(flow: Flow) -> None:
    await make_drift(flow)
    ignore = DriftIgnore.from_entries(["prefix:terraform", "id:1"])
    watch = watch_of(flow, ignore=ignore)

    kinds = [kind for kind, _ in await next_round(watch)]

    assert kinds == ["gone", "orphan"]  # neither unapproved rule is posted


async def test_the_policy_file_ignores_rules_and_a_reload_applies_next_round(
    flow: Flow, tmp_path: Path
) -> None:
    _, gone_rule, added_rule = await make_drift(flow)
    policy_file = tmp_path / "policy.yaml"
    rules = "rules:\n  - name: people\n    decide: {approvals: 1}\n"
    policy_file.write_text(rules + "drift_ignore:\n  rule_ids: [1]\n", encoding="utf-8")
    source = PolicySource(
        region="cn-hangzhou", default=default_policy(frozenset({22}), 100), path=policy_file
    )
    watch = watch_of(flow, policy=source)

    first = await next_round(watch)
    assert first == [("gone", gone_rule), ("orphan", gone_rule), ("unapproved", added_rule)]

    policy_file.write_text(
        rules + "drift_ignore:\n  description_prefixes: [terraform]\n", encoding="utf-8"
    )
    assert await source.check()
    await flow.cloud.add_rule(
        PROD_GW, "sg-legacyapp02", PortRange(start=9191, end=9191), "terraform: more"
    )
    # Rule 1 is no longer ignored and is posted now; both terraform rules are ignored.
    assert await next_round(watch) == [("unapproved", 1)]


async def test_a_drift_that_went_away_is_resolved_and_not_posted_again(flow: Flow) -> None:
    _, _, added_rule = await make_drift(flow)
    watch = watch_of(flow)
    await next_round(watch)

    await flow.cloud.delete_rule(PROD_GW, added_rule, cascade=True)
    await asyncio.sleep(0.01)
    done = await watch.run_once()

    assert done is not None
    assert len(done.resolved) == 1
    resolved = await watch.drift.require(done.resolved[0])
    assert (resolved.rule_id, resolved.status) == (added_rule, DriftStatus.RESOLVED)
    assert len(await posted_ids(flow)) == 4
    redraws = [n.dedupe_key for n in await flow.outbox(resolved.id)]
    assert len(redraws) == 2  # the post, then its redraw without buttons
    assert ":resolved:" in redraws[1]


async def test_watched_gateways_are_reconciled_without_any_grant(flow: Flow) -> None:
    watch = watch_of(flow, watched=("prod-gw",))

    posted = await next_round(watch)

    assert posted == [("unapproved", 1)]


async def test_one_runner_across_three_replicas(flow: Flow, redis_url: str) -> None:
    await make_drift(flow)
    clients = [connect(redis_url) for _ in range(3)]
    try:
        prefix = flow.store.keys.prefix
        stores = [RequestStore(c, StoreConfig(prefix=prefix)) for c in clients]
        watches = [watch_of(flow, store) for store in stores]
        for watch in watches:
            watch.every = timedelta(minutes=15)

        rounds = await asyncio.gather(*(w.run_once() for w in watches))
        again = await asyncio.gather(*(w.run_once() for w in watches))
    finally:
        for client in clients:
            await client.aclose()

    assert sum(done is not None for done in rounds) == 1
    assert again == [None, None, None]  # this period's round is taken
    ids = await posted_ids(flow)
    assert len(ids) == len(set(ids)) == 4


async def test_a_round_is_skipped_while_another_runs(flow: Flow) -> None:
    drift = DriftStore(flow.store.client, flow.store.keys)
    token = await drift.start_round(EVERY)
    assert token is not None
    await asyncio.sleep(0.01)  # the period is over, but the round still runs

    assert await watch_of(flow).run_once() is None

    await drift.end_round(token)
    assert await watch_of(flow).run_once() is not None


def test_ignore_forms_are_checked_and_can_be_extended() -> None:
    from bot.settings import load_settings
    from vocabulary.errors import ConfigError

    settings = load_settings(
        SGBOT_DRIFT_IGNORE="id:42, prefix:terraform", SGBOT_RECONCILE_EVERY="off"
    )
    ignore = DriftIgnore.from_entries(settings.drift_ignore)
    assert settings.reconcile_every is None
    assert ignore.matches(42, "")
    assert ignore.matches(7, "terraform: x")
    assert not ignore.matches(7, "console")
    assert ignore.merged([7], []).matches(7, "console")
    with pytest.raises(ConfigError, match="SGBOT_DRIFT_IGNORE: 'tf' is neither"):
        load_settings(SGBOT_DRIFT_IGNORE="tf")
    assert load_settings().reconcile_every == timedelta(minutes=15)
    with pytest.raises(ConfigError, match=r"SGBOT_RECONCILE_EVERY: 'often' is not a duration.*off"):
        load_settings(SGBOT_RECONCILE_EVERY="often")
    assert DriftKind("orphan") is DriftKind.ORPHAN
