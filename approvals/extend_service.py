"""Asking for an extension: who may, and storing it as a request the worker resolves.

``Extensions.ask`` is what ``extend REQ-… by 2h`` and the "Extend 1h" button call. The
grant's requester or an approver may ask, if they are full members; the grant must still be
extendable (``approvals.extend.check_extendable``); the added time is at most
``SGBOT_MAX_DURATION``. A refusal is recorded in the audit trail like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from approvals.extend import check_extendable, example_of, extension_of
from approvals.ids import new_request_id
from approvals.model import ReplyTo
from approvals.policy import Person, actor_from_user, check_member
from approvals.policy_groups import requester_groups
from approvals.results import CreateResult
from approvals.service import Service
from bot.catalogue import say
from vocabulary.durations import format_duration
from vocabulary.errors import PolicyRefused


@dataclass(frozen=True)
class Extensions:
    service: Service

    async def ask(
        self,
        grant_id: str,
        by: timedelta,
        user: Person,
        *,
        reply_to: ReplyTo,
        intake_key: str,
        approver_ids: frozenset[str],
    ) -> CreateResult:
        s = self.service
        async with s.audit_refusal(user, f"extend {grant_id}", grant_id):
            check_member(user, s.policy, say("extend.doing", grant_id=grant_id))
            grant = await s.store.require(grant_id)
            actor = actor_from_user(user)
            if grant.requester != actor and user.user_id not in s.policy.approvers | approver_ids:
                raise PolicyRefused(say("extend.refuse.who", grant_id=grant_id))
            longest = s.settings.max_duration
            if by > longest:
                example = example_of(grant_id)
                most = format_duration(longest)  # as people type it (7d), not as Python prints it
                raise PolicyRefused(say("extend.refuse.too_long", longest=most, example=example))
            now = s.clock.now()
            check_extendable(grant, max_extensions=s.settings.max_extensions, now=now)
            groups = await requester_groups(s.rules, s.groups, user.user_id)
            request = extension_of(
                grant,
                by,
                request_id=new_request_id(s.random_source),
                requester=actor,
                reply_to=reply_to,
                intake_key=intake_key,
                now=now,
            ).evolve(requester_full_member=True, requester_groups=groups)
            limit = (s.policy.rate_limit, s.policy.rate_window.total_seconds())
            return await s.store.create(request, rate_limit=limit)
