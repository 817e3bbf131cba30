"""Small value types a request is built from: who, where to reply, what to change, what happened.

They are frozen pydantic models (or ``StrEnum``s) so they serialise exactly into the JSON the
Redis store keeps and compare by value. ``approvals.model`` re-exports them; import from there.
Times are UTC-aware: any aware datetime given is converted to UTC so a JSON round-trip returns
an identical value.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from vocabulary.commands import PortRange


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
"""An aware datetime stored in UTC; naive datetimes are refused."""


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Surface(StrEnum):
    """Where the requester spoke to the bot, which decides how we answer."""

    SLASH = "slash"  # slash command: answer through response_url, privately
    MENTION = "mention"  # @sgbot in a channel: answer in the thread
    DM = "dm"  # direct message to the bot
    FORM = "form"  # the request modal
    HOME = "home"  # the App Home tab


class Verdict(StrEnum):
    APPROVE = "approve"
    DENY = "deny"


class RuleAction(StrEnum):
    """What the plan does with one (security group, port range)."""

    ADD = "add"  # create the rule
    SKIP = "skip"  # an equal or wider rule already exists
    REFUSE = "refuse"  # pre-flight says it cannot be done; reason says why
    DELETE = "delete"  # remove an existing rule (revoke)


class RuleOutcome(StrEnum):
    CREATED = "created"
    EXISTED = "existed"  # another sgbot grant's rule, now shared
    # An identical rule sgbot did not make (console, another tool) was there: the grant relies
    # on it, never holds it, and its end never deletes it.
    FOUND = "found"
    DELETED = "deleted"
    FAILED = "failed"


class RiskFlag(StrEnum):
    """Why a request deserves more scrutiny; any flag raises the approvals needed to two."""

    BROAD = "broad"  # total port width above the configured limit
    SENSITIVE_PORT = "sensitive_port"  # touches a port such as 22 or 3306
    ALL_PORTS = "all_ports"  # every port, 1-65535


class Actor(Frozen):
    """A Slack person. Two actors are the same person when org and user ids match.

    ``org_id`` is the Enterprise Grid id when there is one, else the workspace id, so a person
    seen from two workspaces of one grid is still one person.
    """

    org_id: str = Field(min_length=1)
    team_id: str = Field(min_length=1)
    user_id: str = Field(min_length=1)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Actor):
            return NotImplemented
        return (self.org_id, self.user_id) == (other.org_id, other.user_id)

    def __hash__(self) -> int:
        return hash((self.org_id, self.user_id))


class ReplyTo(Frozen):
    """Where to answer the requester. ``response_url`` grants posting rights, so no repr."""

    surface: Surface
    channel_id: str = Field(min_length=1)
    thread_ts: str | None = None
    response_url: str | None = Field(default=None, repr=False)
    message_ts: str | None = None


class CardRef(Frozen):
    """The approval card the Slack layer posted, so it can be updated in place."""

    channel_id: str = Field(min_length=1)
    message_ts: str = Field(min_length=1)


class BackendGroup(Frozen):
    """A backend security group the gateway must reach."""

    security_group_id: str = Field(pattern=r"^sg-[0-9a-z]+$")
    name: str
    group_type: str
    vpc_id: str


class BackendRule(Frozen):
    """An inbound rule of a backend group, identical to one MSE would create (ECS's id)."""

    rule_id: str = Field(min_length=1)  # sgr-…
    created_at: UtcDatetime | None = None  # ECS CreateTime


class PlannedRule(Frozen):
    security_group_id: str = Field(pattern=r"^sg-[0-9a-z]+$")
    port_range: PortRange
    action: RuleAction
    reason: str | None = None
    existing_rule_id: int | None = None  # the rule that makes a skip unnecessary or a delete target
    # Add or skip: the identical inbound rule the backend group already had (made by hand or
    # by another tool), which MSE links to instead of creating one.
    backend_rule: BackendRule | None = None
    # Delete: the request that made the rule (None: not sgbot), and whether the backend rule
    # stays (asked for, or it predates the MSE rule); ``reason`` says which and why.
    created_by: str | None = None
    keep_backend: bool = False


class RuleResult(Frozen):
    security_group_id: str = Field(pattern=r"^sg-[0-9a-z]+$")
    port_range: PortRange
    outcome: RuleOutcome
    rule_id: int | None = None
    cloud_request_id: str | None = None
    error: str | None = None
    # Created: the identical inbound rule found before the add, which MSE linked to and which
    # sgbot did not create. Deleted: that rule, left in place, through which access remains.
    backend_rule: BackendRule | None = None


class Decision(Frozen):
    actor: Actor
    verdict: Verdict
    at: UtcDatetime
    reason: str | None = None


class EndProgress(Frozen):
    """A grant whose rules the cloud has refused to remove: how its end is being retried."""

    why: str  # why the grant is ending: its time limit, or who revoked it
    failures: int = Field(ge=1)
    next_attempt_at: UtcDatetime
    last_error: str
    overdue_since: UtcDatetime | None = None  # when the security channel was alerted, once
