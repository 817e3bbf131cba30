"""Slack user groups the policy names: who is in them, for requester matchers and approvers.

``requester_groups`` records, when a request is submitted, which of the policy's requester
groups the person is in (the worker that evaluates the policy has no Slack client).
``approvers_for`` gives the approver set of a request a rule handed to its own approver group:
that group's members replace ``SGBOT_APPROVERS`` and ``SGBOT_APPROVER_GROUP`` for it.
"""

from __future__ import annotations

from typing import Protocol

from approvals.model import Request
from approvals.policy import PolicyConfig
from approvals.policy_rules import policy_groups
from approvals.policy_source import PolicySource

__all__ = ["GroupMembers", "PolicySource", "approvers_for", "requester_groups"]


class GroupMembers(Protocol):
    async def members(self, group_id: str) -> frozenset[str]:
        """The user ids in Slack user group ``group_id`` (cached by the adapter)."""


async def requester_groups(
    rules: PolicySource | None, groups: GroupMembers | None, user_id: str
) -> tuple[str, ...]:
    if rules is None or groups is None:
        return ()
    named = sorted(policy_groups(rules.current()))
    return tuple([group for group in named if user_id in await groups.members(group)])


async def approvers_for(
    request: Request,
    approver_ids: frozenset[str],
    config: PolicyConfig,
    groups: GroupMembers | None,
) -> tuple[frozenset[str], PolicyConfig]:
    """The approver ids and policy config that decide ``request``."""
    if request.approver_group is None:
        return approver_ids, config
    members = await groups.members(request.approver_group) if groups is not None else frozenset()
    return members, config.model_copy(update={"approvers": frozenset()})
