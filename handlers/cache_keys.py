"""Redis keys of what the chat layer caches: approver groups and people.

They share the workflow's hash tag (``approvals.keys.Keys.tag``) so one prefix still names a
whole deployment, but only the chat layer reads or writes them.

``{p}:cache:usergroup:<group>``  TTL (``USERGROUP_CACHE_TTL``): approver group members
``{p}:cache:user:<user>``        TTL (``USER_CACHE_TTL``): ``users.info`` facts of a person
"""

from __future__ import annotations

from datetime import timedelta

from approvals.keys import Keys

# usergroups.users.list is Tier 2 (about 20 calls a minute): a minute keeps clicks cheap.
USERGROUP_CACHE_TTL = timedelta(seconds=60)
# Short, so a deactivated or restricted account is noticed quickly.
USER_CACHE_TTL = timedelta(seconds=30)


class ChatKeys:
    """Cache key builders under the deployment's hash tag."""

    def __init__(self, keys: Keys) -> None:
        self.tag = keys.tag

    def usergroup(self, group_id: str) -> str:
        return f"{self.tag}:cache:usergroup:{group_id}"

    def user(self, user_id: str) -> str:
        return f"{self.tag}:cache:user:{user_id}"
