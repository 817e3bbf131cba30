"""What the buttons on a drift item do; only approvers may press them, once per item.

* gone rule: **Re-apply** asks for the rule again as a request of the approver who pressed it
  (for what is left of the grants' time, or permanent if one of them was), which another
  approver must approve like any other; **Forget** drops the grants' claim on the rule, so
  reconcile no longer expects it.
* rule no request explains: **Adopt** records it as a permanent grant of the approver who
  pressed it (applied, holding the rule; ending that grant deletes the rule, as the approver
  took it over); **Ignore** leaves it alone for good; **Revoke** asks for ``revoke rule N`` as a
  request, whose card says who made the rule, and which another approver must approve before
  anything is deleted (``approvals.ownership``).
* ECS inbound rule left without its MSE record: **Ignore** (it is shown; sgbot never deletes
  an inbound rule on its own).

The item is claimed first (a compare-and-set), so two clicks never both act; a request that
could not be asked for puts the item back, and one that was denied, expired or failed opens it
again at the next round (``approvals.drift_watch``). Every button and every refusal is audited.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from approvals.audit import drift_fields
from approvals.clock import Clock
from approvals.drift import DriftItem, DriftKind, DriftStatus, adoption
from approvals.drift_store import DriftStore
from approvals.ids import RandomSource, new_request_id
from approvals.model import Actor, CardRef, ReplyTo, RequestState, Surface
from approvals.policy import Person, PolicyConfig, actor_from_user, check_member
from approvals.service import Service
from bot.catalogue import say
from bot.cloud.port import CloudPort
from bot.cloud.regions import RegionalClouds, locate_gateway
from vocabulary.commands import Authorize, GatewayRef, RevokeRule, SecurityGroupTarget
from vocabulary.errors import PolicyRefused


class DriftAction(StrEnum):
    REAPPLY = "reapply"
    FORGET = "forget"
    ADOPT = "adopt"
    IGNORE = "ignore"
    REVOKE = "revoke"


ACTIONS: dict[DriftKind, tuple[DriftAction, ...]] = {
    DriftKind.GONE: (DriftAction.REAPPLY, DriftAction.FORGET),
    DriftKind.UNAPPROVED: (DriftAction.ADOPT, DriftAction.IGNORE, DriftAction.REVOKE),
    DriftKind.ORPHAN: (DriftAction.IGNORE,),
}
_SETTLES = {
    DriftAction.REAPPLY: DriftStatus.REAPPLYING,
    DriftAction.FORGET: DriftStatus.FORGOTTEN,
    DriftAction.ADOPT: DriftStatus.ADOPTED,
    DriftAction.IGNORE: DriftStatus.IGNORED,
    DriftAction.REVOKE: DriftStatus.REVOKING,
}


@dataclass
class DriftDesk:
    drift: DriftStore
    service: Service
    cloud: CloudPort
    clock: Clock
    policy: PolicyConfig
    security_channel: str
    random_source: RandomSource = field(default=secrets.token_bytes)
    clouds: RegionalClouds | None = None  # every served region's; None: ``cloud``'s alone

    async def item(self, item_id: str) -> DriftItem | None:
        return await self.drift.get(item_id)

    async def posted(self, item_id: str, where: CardRef) -> None:
        """Remember where the item's message is, unless a message of it is known already."""

        def attach(current: DriftItem) -> DriftItem | None:
            if current.message is not None:
                return None
            return current.model_copy(update={"message": where})

        await self.drift.update(item_id, attach)

    async def act(
        self, item_id: str, action: DriftAction, user: Person, approver_ids: frozenset[str]
    ) -> tuple[DriftItem, str]:
        """Do ``action`` on the item for ``user``; the item after it and what to tell them."""
        actor = actor_from_user(user)
        async with self.service.audit_refusal(user, f"{action.value} {item_id}"):
            check_member(user, self.policy, say("drift.doing", item_id=item_id))
            if user.user_id not in self.policy.approvers | approver_ids:
                raise PolicyRefused(say("drift.refuse.not_approver"))
            item = await self.drift.require(item_id)
            if action not in ACTIONS[item.kind]:
                named = say(f"drift.action.{action.value}")
                refusal = say("drift.refuse.action", item_id=item.id, action=named)
                raise PolicyRefused(refusal)
            claimed = await self._claim(item_id, action, user.user_id)
        try:
            follow_up, told = await self._do(claimed, action, user, actor)
        except Exception:
            await self.drift.update(item_id, _reopen(user.user_id))
            raise
        if follow_up is not None:
            claimed = await self.drift.update(item_id, _follow_up(follow_up))
        fields = drift_fields(
            actor, item_id, claimed.gateway_id, claimed.security_group_id, claimed.ports,
            at=self.clock.now(), what=action.value, request_id=follow_up or "",
        )  # fmt: skip
        await self.service.store.audit.append(fields)
        return claimed, told

    async def _claim(self, item_id: str, action: DriftAction, user_id: str) -> DriftItem:
        status = _SETTLES[action]

        def claim(current: DriftItem) -> DriftItem | None:
            if current.status is not DriftStatus.OPEN:
                was = say(f"drift.status.{current.status.value}")
                if current.settled_by:
                    by = current.settled_by
                    told = say("drift.refuse.settled_by", item_id=current.id, status=was, by=by)
                else:
                    told = say("drift.refuse.settled", item_id=current.id, status=was)
                raise PolicyRefused(told)
            return current.settled(status, user_id, None)

        return await self.drift.update(item_id, claim)

    async def _do(
        self, item: DriftItem, action: DriftAction, user: Person, actor: Actor
    ) -> tuple[str | None, str]:
        handlers: dict[DriftAction, Callable[[], Awaitable[tuple[str | None, str]]]] = {
            DriftAction.REAPPLY: lambda: self._reapply(item, user),
            DriftAction.FORGET: lambda: self._forget(item),
            DriftAction.ADOPT: lambda: self._adopt(item, actor),
            DriftAction.IGNORE: _ignored(item),
            DriftAction.REVOKE: lambda: self._revoke(item, user),
        }
        return await handlers[action]()

    async def _reapply(self, item: DriftItem, user: Person) -> tuple[str | None, str]:
        command = Authorize(
            gateway=GatewayRef(value=item.gateway_id),
            target=SecurityGroupTarget(security_group_id=item.security_group_id),
            ports=(item.port_range,),
            duration=await self._time_left(item),
            reason=say("drift.reason.reapply", rule_id=item.rule_id, item_id=item.id),
        )
        asked = await self.service.submit(
            command, user, self._reply_to(), intake_key=self._intake(item, "reapply")
        )
        return asked.request_id, say(
            "drift.told.reapply", rule_id=item.rule_id, request_id=asked.request_id
        )

    async def _time_left(self, item: DriftItem) -> timedelta | None:
        ends: list[datetime | None] = []
        for request_id in item.request_ids:
            grant = await self.service.store.get(request_id)
            if grant is not None and grant.state in (
                RequestState.APPLIED, RequestState.PARTLY_APPLIED
            ):  # fmt: skip
                ends.append(grant.grant_expires_at)
        if not ends:
            raise PolicyRefused(say("drift.refuse.no_grant", rule_id=item.rule_id))
        if any(end is None for end in ends):
            return None
        left = max(end for end in ends if end is not None) - self.clock.now()
        if left <= timedelta(0):
            raise PolicyRefused(say("drift.refuse.ended"))
        return timedelta(minutes=math.ceil(left.total_seconds() / 60))

    async def _forget(self, item: DriftItem) -> tuple[str | None, str]:
        work = self.service.store.work
        for request_id in item.request_ids:
            await work.remove_owner(item.rule_key, request_id)
        await work.forget_rule(item.gateway_id, item.rule_id)
        held = ", ".join(item.request_ids)
        if not held:
            return None, say("drift.told.forget.none", rule_id=item.rule_id)
        return None, say("drift.told.forget", held=held, rule_id=item.rule_id)

    async def _adopt(self, item: DriftItem, actor: Actor) -> tuple[str | None, str]:
        clouds = self.clouds or RegionalClouds((self.cloud.region_id,), lambda _: self.cloud)
        cloud, gateway = await locate_gateway(clouds, GatewayRef(value=item.gateway_id))
        request_id = new_request_id(self.random_source)
        request = adoption(
            item,
            gateway,
            region=cloud.region_id,
            actor=actor,
            reply_to=self._reply_to(),
            request_id=request_id,
            now=self.clock.now(),
        )
        # Owner first: a crash before the request is stored leaves an owner naming no live
        # request, which counts for nothing.
        await self.service.store.work.add_owner(item.rule_key, request_id)
        await self.service.store.restore(request)
        return request_id, say("drift.told.adopt", rule_id=item.rule_id, request_id=request_id)

    async def _revoke(self, item: DriftItem, user: Person) -> tuple[str | None, str]:
        command = RevokeRule(gateway=GatewayRef(value=item.gateway_id), rule_id=item.rule_id)
        asked = await self.service.submit(
            command, user, self._reply_to(), intake_key=self._intake(item, "revoke")
        )
        return asked.request_id, say(
            "drift.told.revoke", rule_id=item.rule_id, request_id=asked.request_id
        )

    def _intake(self, item: DriftItem, action: str) -> str:
        # The claim already makes a click act once; a fresh key lets an item whose request was
        # denied (and that is open again) ask anew instead of finding the denied one.
        return f"drift:{item.id}:{action}:{secrets.token_hex(6)}"

    def _reply_to(self) -> ReplyTo:
        return ReplyTo(surface=Surface.MENTION, channel_id=self.security_channel)


def _ignored(item: DriftItem) -> Callable[[], Awaitable[tuple[str | None, str]]]:
    async def ignore() -> tuple[str | None, str]:
        return None, say("drift.told.ignore", item_id=item.id)

    return ignore


def _reopen(user_id: str) -> Callable[[DriftItem], DriftItem | None]:
    def reopen(current: DriftItem) -> DriftItem | None:
        if current.settled_by != user_id or current.follow_up is not None:
            return None
        return current.settled(DriftStatus.OPEN, None, None)

    return reopen


def _follow_up(request_id: str) -> Callable[[DriftItem], DriftItem | None]:
    def attach(current: DriftItem) -> DriftItem | None:
        return current.model_copy(update={"follow_up": request_id})

    return attach
