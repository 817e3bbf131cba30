"""Who may approve, and what Slack says about a person, cached in Redis.

The approver set is ``SGBOT_APPROVERS`` plus the members of ``SGBOT_APPROVER_GROUP``;
``usergroups.users.list`` is Tier 2 (about 20 calls a minute), so members are cached in Redis
for at most ``USERGROUP_CACHE_TTL`` and shared by every replica, and a click never waits for
more than one Slack call. ``users.info`` answers become ``approvals.policy.SlackUser`` facts,
cached for ``USER_CACHE_TTL`` so a burst of clicks costs one call while a deactivation is
noticed quickly. Both keys and lifetimes are in ``approvals.keys``. In front of Redis, each
process keeps a person's facts for ``LOCAL_USER_TTL_SECONDS`` more, because every slash
command looks its sender up before the ack and a Redis round trip plus a parse per ack is a
measurable share of the ack's CPU.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from approvals.connect import RedisClient
from approvals.keys import USER_CACHE_TTL, USERGROUP_CACHE_TTL, Keys
from approvals.policy import SlackUser

log = logging.getLogger(__name__)

# A deactivated account is noticed at most this much later than the Redis cache alone allows.
LOCAL_USER_TTL_SECONDS = 5.0
# People cached per process; past it the cache starts over rather than track recency.
LOCAL_USER_LIMIT = 10_000


def slack_user_from_api(user: Mapping[str, Any]) -> SlackUser:
    """The policy's facts from a ``users.info`` ``user`` object.

    The policy compares the organisation with the home orgs itself; ``is_stranger`` is what
    Slack says about Slack Connect users seen from our side.
    """
    enterprise = user.get("enterprise_user") or {}
    return SlackUser(
        user_id=str(user["id"]),
        team_id=str(user.get("team_id") or "unknown"),
        enterprise_id=enterprise.get("enterprise_id") or user.get("enterprise_id"),
        is_bot=bool(user.get("is_bot")),
        is_app_user=bool(user.get("is_app_user")),
        deleted=bool(user.get("deleted")),
        is_restricted=bool(user.get("is_restricted")),
        is_ultra_restricted=bool(user.get("is_ultra_restricted")),
        is_stranger=bool(user.get("is_stranger")),
    )


class ApproverDirectory:
    """Approver ids and user facts for the policy, through a Redis cache."""

    def __init__(
        self,
        *,
        redis: RedisClient,
        slack: AsyncWebClient,
        keys: Keys,
        configured: Iterable[str],
        group_id: str | None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._redis = redis
        self._monotonic = monotonic
        self._local_users: dict[str, tuple[float, SlackUser]] = {}
        self._slack = slack
        self._configured = frozenset(configured)
        self._group_id = group_id
        self._keys = keys

    async def approver_ids(self) -> frozenset[str]:
        """The configured approvers and the group's current members."""
        if self._group_id is None:
            return self._configured
        cached = await self._redis.get(self._keys.usergroup_cache(self._group_id))
        if cached is not None:
            return self._configured | frozenset(json.loads(cached))
        return self._configured | await self.refresh_group()

    async def refresh_group(self) -> frozenset[str]:
        """Fetch the approver group's members from Slack and cache them."""
        if self._group_id is None:
            return frozenset()
        return await self._fetch_group(self._group_id)

    async def members(self, group_id: str) -> frozenset[str]:
        """Members of any user group (one a policy rule names), through the same cache."""
        cached = await self._redis.get(self._keys.usergroup_cache(group_id))
        if cached is not None:
            return frozenset(json.loads(cached))
        return await self._fetch_group(group_id)

    async def _fetch_group(self, group_id: str) -> frozenset[str]:
        response = await self._slack.usergroups_users_list(usergroup=group_id)
        members = frozenset(str(user_id) for user_id in response.get("users") or [])
        await self._redis.set(
            self._keys.usergroup_cache(group_id),
            json.dumps(sorted(members)),
            ex=USERGROUP_CACHE_TTL,
        )
        log.info("user group %s has %d members", group_id, len(members))
        return members

    async def slack_user(self, user_id: str) -> SlackUser:
        """``users.info`` facts about ``user_id``, at most ``USER_CACHE_TTL`` (plus
        ``LOCAL_USER_TTL_SECONDS``) old."""
        now = self._monotonic()
        local = self._local_users.get(user_id)
        if local is not None and local[0] > now:
            return local[1]
        user = await self._shared_user(user_id)
        if len(self._local_users) >= LOCAL_USER_LIMIT:
            self._local_users.clear()
        self._local_users[user_id] = (now + LOCAL_USER_TTL_SECONDS, user)
        return user

    async def _shared_user(self, user_id: str) -> SlackUser:
        key = self._keys.user_cache(user_id)
        cached = await self._redis.get(key)
        if cached is not None:
            return SlackUser.model_validate_json(cached)
        response = await self._slack.users_info(user=user_id)
        user = slack_user_from_api(response["user"])
        await self._redis.set(key, user.model_dump_json(), ex=USER_CACHE_TTL)
        return user
