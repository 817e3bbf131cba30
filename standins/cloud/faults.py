"""Fault injection: throttling, latency, scripted failures and "timed out but succeeded" replies.

A ``FaultPlan`` is what ``POST /_emulator/faults`` (or the command-line flags) asked for. Each
call asks it, before the action runs, whether to fail (``failure_for``) and whether to hold its
reply (``take_timeout``): a held call is carried out either before the reply is held or, with
``commit_after_ms``, that long after it arrived — a write that commits after the client gave
up, as MSE's writes through its service-linked role may. Throttling draws from a
``random.Random`` seeded from the plan, so a seeded run throttles the same calls every time.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

from standins.cloud.errors import CloudError


class ScriptedFailure(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: str
    code: str | None  # None: a reply without a Code, as some gateways send
    http_status: int = Field(ge=400, le=599)
    message: str = "Injected by the emulator."
    count: int | None = Field(default=1, ge=1)  # None: fail every call
    # Only calls whose parameters include all of these (``{"PortRange": "8081/8081"}``), so
    # one of several calls sent together can be made to fail whatever order they arrive in.
    matching: dict[str, str] = Field(default_factory=dict)


class TimeoutThenSucceed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: str
    count: int = Field(default=1, ge=1)
    delay_ms: int = Field(ge=0)
    # None: the change is made at once and only the reply is late. A number: the change is
    # made that many milliseconds after the call arrived (a late commit).
    commit_after_ms: int | None = Field(default=None, ge=0)


class FaultPlan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    throttle_fraction: float = Field(default=0.0, ge=0.0, le=1.0)
    retry_after_ms: int = Field(default=100, ge=0)
    latency_ms: int = Field(default=0, ge=0)
    fail: list[ScriptedFailure] = Field(default_factory=list)
    timeout_then_succeed: TimeoutThenSucceed | None = None
    seed: int | None = None
    # Resource ids ECS's describe calls leave out, as for a RAM identity limited by resource
    # or a group in another account (the gateway's managed group, an instance…).
    hidden: list[str] = Field(default_factory=list)


class InjectedError(CloudError):
    """A fault the plan asked for; ``headers`` go on the reply (``x-acs-retry-after``)."""

    def __init__(
        self, http_status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(http_status, code, message)
        self.headers = headers or {}


class Faults:
    """The plan in force and its remaining counts."""

    def __init__(self, plan: FaultPlan | None = None) -> None:
        self.replace(plan or FaultPlan())

    def replace(self, plan: FaultPlan) -> None:
        self.plan = plan.model_copy(deep=True)
        self._random = random.Random(plan.seed)  # noqa: S311 - fault draws, not secrets

    def clear(self) -> None:
        self.replace(FaultPlan())

    def failure_for(
        self, action: str, params: Mapping[str, str] | None = None
    ) -> InjectedError | None:
        given = params or {}
        for failure in self.plan.fail:
            if failure.action != action:
                continue
            if any(given.get(name) != value for name, value in failure.matching.items()):
                continue
            if failure.count is not None:
                failure.count -= 1
                if failure.count == 0:
                    self.plan.fail.remove(failure)
            return InjectedError(failure.http_status, failure.code or "", failure.message)
        fraction = self.plan.throttle_fraction
        if fraction and self._random.random() < fraction:
            return InjectedError(
                400,
                "Throttling.User",
                "Request was denied due to user flow control.",
                {"x-acs-retry-after": str(self.plan.retry_after_ms)},
            )
        return None

    def take_timeout(self, action: str) -> TimeoutThenSucceed | None:
        """The hold this call of ``action`` gets, if any (one of the plan's ``count``)."""
        pending = self.plan.timeout_then_succeed
        if pending is None or pending.action != action:
            return None
        pending.count -= 1
        if pending.count == 0:
            self.plan.timeout_then_succeed = None
        return pending.model_copy()


def access_denied_detail(product: str, action: str, account_id: str) -> dict[str, str]:
    """What RAM says about a denied call; ``AuthAction`` names the missing permission."""
    return {
        "AuthAction": f"{product}:{action}",
        "AuthPrincipalType": "SubUser",
        "AuthPrincipalOwnerId": account_id,
        "AuthPrincipalDisplayName": "sgbot",
        "NoPermissionType": "ImplicitDeny",
        "PolicyType": "AccountLevelIdentityBasedPolicy",
    }
