"""Two replicas holding the same outbox entry (a long Slack outage lets the second claim it while
the first still retries): Slack gets the message once."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator

import pytest

from approvals.jobs import JobContext
from approvals.model import ReplyTo, Surface
from approvals.outbox import NotificationKind
from approvals.worker import Worker, WorkerConfig
from bot.delivery import Backoff, Deliverer
from bot.deps import open_deps
from bot.settings import load_settings
from handlers.deps import Deps
from standins.slack import LocalSlack
from standins.slack.directory import DEVELOPER_ID, SECURITY_CHANNEL_ID, dm_channel_id
from tests.approvals.workflow import authorize
from tests.fixtures.emulator import EmulatorHandle
from tests.slack.scenario import cards

pytestmark = pytest.mark.redis
QUICK = Backoff(first=0.01, cap=0.05, give_up_after=30.0)


@pytest.fixture
async def deps(
    redis_url: str, local_slack: LocalSlack, emulator: EmulatorHandle
) -> AsyncIterator[Deps]:
    settings = load_settings(
        SLACK_BOT_TOKEN=local_slack.bot_token,
        SLACK_API_URL=local_slack.base_url,
        SGBOT_SECURITY_CHANNEL=SECURITY_CHANNEL_ID,
        REDIS_URL=redis_url,
        SGBOT_KEY_PREFIX=f"t{secrets.token_hex(6)}",
        SGBOT_MSE_ENDPOINT=emulator.endpoint,
        SGBOT_ECS_ENDPOINT=emulator.endpoint,
        SGBOT_CS_ENDPOINT=emulator.endpoint,
        SGBOT_CLOUD_PROTOCOL="http",
    )
    async with open_deps(settings, emulated=True) as opened:
        yield opened


async def test_two_deliverers_on_one_entry_post_the_card_once(
    deps: Deps, local_slack: LocalSlack
) -> None:
    requester = await deps.approvers.slack_user(DEVELOPER_ID)
    reply_to = ReplyTo(surface=Surface.DM, channel_id=dm_channel_id(DEVELOPER_ID))
    await deps.service.submit(authorize(), requester, reply_to, intake_key="test:lock")
    context = JobContext(store=deps.store, cloud=deps.cloud, clock=deps.clock, policy=deps.policy)
    await Worker(context, WorkerConfig(consumer="worker")).run_until_idle()

    first = await deps.outbox.read("replica-a")
    second = await deps.outbox.claim_stale("replica-b", min_idle_ms=0)
    assert [e.item.kind for e in first] == [
        NotificationKind.POST_CARD,
        NotificationKind.TELL_REQUESTER,
    ]
    assert [e.entry_id for e in second] == [e.entry_id for e in first]

    stop = asyncio.Event()
    replica_a = Deliverer(deps, "replica-a", backoff=QUICK)
    replica_b = Deliverer(deps, "replica-b", backoff=QUICK)
    for held_by_a, held_by_b in zip(first, second, strict=True):
        done = await asyncio.gather(
            replica_a.deliver(held_by_a, stop), replica_b.deliver(held_by_b, stop)
        )
        assert list(done) == [True, True]

    assert len(cards(local_slack)) == 1
    assert len(local_slack.messages(dm_channel_id(DEVELOPER_ID))) == 1
    assert await deps.outbox.depth() == 0
    assert await deps.redis.keys(deps.keys.delivering("*")) == []  # every lock released
