"""Example requests and people for approval tests; each builder takes overrides."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from approvals.model import Actor, ReplyTo, Request, RequestKind, RequestState, Surface
from approvals.policy import PolicyConfig, SlackUser
from vocabulary.commands import Authorize, GatewayRef, PortRange, SecurityGroupTarget

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
HOME_TEAM = "T0HOME"
HOME_ENTERPRISE = "E0HOME"
REQUESTER_ID = "U0REQUESTER"


def make_user(user_id: str = REQUESTER_ID, **overrides: Any) -> SlackUser:
    fields: dict[str, Any] = {
        "user_id": user_id,
        "team_id": HOME_TEAM,
        "enterprise_id": HOME_ENTERPRISE,
    }
    return SlackUser(**(fields | overrides))


def make_config(**overrides: Any) -> PolicyConfig:
    fields: dict[str, Any] = {
        "home_org_ids": frozenset({HOME_ENTERPRISE}),
        "approvers": frozenset({"U0ALICE", "U0BOB", REQUESTER_ID}),
    }
    return PolicyConfig(**(fields | overrides))


def make_request(**overrides: Any) -> Request:
    command = Authorize(
        gateway=GatewayRef(value="gw-" + "a" * 32),
        target=SecurityGroupTarget(security_group_id="sg-backend1"),
        ports=(PortRange(start=8080, end=8080),),
        duration=timedelta(hours=4),
    )
    fields: dict[str, Any] = {
        "id": "REQ-7K2QD",
        "kind": RequestKind.AUTHORIZE,
        "command": command,
        "requester": Actor(org_id=HOME_ENTERPRISE, team_id=HOME_TEAM, user_id=REQUESTER_ID),
        "reply_to": ReplyTo(surface=Surface.SLASH, channel_id="C0DEV"),
        "intake_key": "slash:T0HOME:trigger-1",
        "created_at": T0,
        "updated_at": T0,
        "ports": command.ports,
        "state": RequestState.PENDING,
        "expires_at": T0 + timedelta(hours=24),
    }
    return Request(**(fields | overrides))
