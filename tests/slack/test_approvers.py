"""The approver directory against a real Redis and the local Slack Web API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from approvals.connect import connect
from approvals.keys import Keys
from handlers.approvers import LOCAL_USER_TTL_SECONDS, ApproverDirectory
from standins.slack import LocalSlack
from standins.slack.directory import (
    APPROVER_GROUP_ID,
    APPROVER_IDS,
    DEVELOPER_ID,
    FOREIGN_USER_ID,
    GUEST_ID,
    OTHER_BOT_ID,
)

pytestmark = pytest.mark.redis


@pytest.fixture
async def directory(redis_url: str, local_slack: LocalSlack) -> AsyncIterator[ApproverDirectory]:
    redis = connect(redis_url)
    slack = AsyncWebClient(token=local_slack.bot_token, base_url=local_slack.base_url)
    yield ApproverDirectory(
        redis=redis,
        slack=slack,
        keys=Keys("apprtest"),
        configured=["U0CONF001"],
        group_id=APPROVER_GROUP_ID,
    )
    await redis.aclose()


async def test_approvers_are_the_configured_ids_and_the_group(directory: ApproverDirectory) -> None:
    assert await directory.approver_ids() == frozenset({"U0CONF001", *APPROVER_IDS})


async def test_group_members_are_fetched_once_per_cache_period(
    directory: ApproverDirectory, local_slack: LocalSlack
) -> None:
    for _ in range(5):
        await directory.approver_ids()
    assert len(local_slack.calls("usergroups.users.list")) == 1


async def test_user_facts_come_from_users_info(directory: ApproverDirectory) -> None:
    developer = await directory.slack_user(DEVELOPER_ID)
    guest = await directory.slack_user(GUEST_ID)
    bot = await directory.slack_user(OTHER_BOT_ID)
    foreign = await directory.slack_user(FOREIGN_USER_ID)
    assert (developer.is_bot, developer.is_restricted, developer.team_id) == (
        False,
        False,
        "T0SGBOT01",
    )
    assert guest.is_restricted
    assert bot.is_bot
    assert foreign.team_id == "T0OTHER01"


async def test_user_facts_are_cached(directory: ApproverDirectory, local_slack: LocalSlack) -> None:
    first = await directory.slack_user(APPROVER_IDS[0])
    second = await directory.slack_user(APPROVER_IDS[0])
    assert first == second
    assert len(local_slack.calls("users.info")) == 1


async def test_user_facts_are_kept_in_process_briefly_in_front_of_redis(
    redis_url: str, local_slack: LocalSlack
) -> None:
    keys = Keys("apprlocal")
    now = [100.0]
    redis = connect(redis_url)
    directory = ApproverDirectory(
        redis=redis,
        slack=AsyncWebClient(token=local_slack.bot_token, base_url=local_slack.base_url),
        keys=keys,
        configured=[],
        group_id=None,
        monotonic=lambda: now[0],
    )
    try:
        first = await directory.slack_user(DEVELOPER_ID)
        await redis.delete(keys.user_cache(DEVELOPER_ID))  # only the process still knows them
        now[0] += LOCAL_USER_TTL_SECONDS - 0.1
        assert await directory.slack_user(DEVELOPER_ID) == first
        assert len(local_slack.calls("users.info")) == 1
        now[0] += 0.2
        assert await directory.slack_user(DEVELOPER_ID) == first
        assert len(local_slack.calls("users.info")) == 2
        assert await redis.exists(keys.user_cache(DEVELOPER_ID))
    finally:
        await redis.aclose()
