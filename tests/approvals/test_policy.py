"""Approval policy: who may ask and approve, how risky ports are, how decisions add up."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from approvals.machine import IllegalTransition
from approvals.model import Actor, Decision, RequestState, RiskFlag, Verdict
from approvals.policy import (
    actor_from_user,
    apply_decision,
    check_approver,
    check_requester,
    required_approvals,
    risk_flags,
)
from tests.approvals.examples import (
    HOME_ENTERPRISE,
    HOME_TEAM,
    REQUESTER_ID,
    T0,
    make_config,
    make_request,
    make_user,
)
from vocabulary.commands import PortRange
from vocabulary.errors import PolicyRefused

NO_GROUP: frozenset[str] = frozenset()

INELIGIBLE = [
    pytest.param({"deleted": True}, "deactivated", id="deleted"),
    pytest.param({"is_bot": True}, "bots and apps", id="bot"),
    pytest.param({"is_app_user": True}, "bots and apps", id="app-user"),
    pytest.param({"is_restricted": True}, "guest", id="multi-channel-guest"),
    pytest.param({"is_ultra_restricted": True}, "guest", id="single-channel-guest"),
    pytest.param({"is_stranger": True}, "another organisation", id="slack-connect-stranger"),
    pytest.param(
        {"team_id": "T0OTHER", "enterprise_id": None}, "another organisation", id="foreign-team"
    ),
    pytest.param(
        {"team_id": HOME_TEAM, "enterprise_id": "E0OTHER"},
        "another organisation",
        id="foreign-enterprise",
    ),
]


def _approve(user_id: str, minutes: int = 1) -> Decision:
    return Decision(
        actor=actor_from_user(make_user(user_id)),
        verdict=Verdict.APPROVE,
        at=T0 + timedelta(minutes=minutes),
    )


def _ports(*spec: tuple[int, int]) -> list[PortRange]:
    return [PortRange(start=a, end=b) for a, b in spec]


def test_full_member_may_request() -> None:
    check_requester(make_user(), make_config())


def test_workspace_id_counts_as_home_org_without_enterprise() -> None:
    config = make_config(home_org_ids=frozenset({HOME_TEAM}))
    check_requester(make_user(enterprise_id=None), config)


@pytest.mark.parametrize(("overrides", "message"), INELIGIBLE)
def test_ineligible_people_cannot_request(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(PolicyRefused, match=message) as caught:
        check_requester(make_user(**overrides), make_config())
    assert "Ask a full member" in str(caught.value)


@pytest.mark.parametrize(("overrides", "message"), INELIGIBLE)
def test_ineligible_people_cannot_approve_even_when_listed(
    overrides: dict[str, Any], message: str
) -> None:
    clicker = make_user("U0ALICE", **overrides)
    with pytest.raises(PolicyRefused, match=message) as caught:
        check_approver(make_request(), clicker, frozenset({"U0ALICE"}), make_config())
    assert "stays pending" in str(caught.value)


def test_configured_or_group_approver_may_decide() -> None:
    request = make_request()
    check_approver(request, make_user("U0ALICE"), NO_GROUP, make_config())
    check_approver(request, make_user("U0CAROL"), frozenset({"U0CAROL"}), make_config())


def test_non_approver_is_refused() -> None:
    with pytest.raises(PolicyRefused, match="not an approver"):
        check_approver(make_request(), make_user("U0CAROL"), frozenset({"U0DAVE"}), make_config())


def test_requester_cannot_approve_own_request_even_as_approver() -> None:
    config = make_config()
    assert REQUESTER_ID in config.approvers
    # Seen from another workspace of the same enterprise: still the same person.
    clicker = make_user(REQUESTER_ID, team_id="T0SECOND")
    with pytest.raises(PolicyRefused, match="cannot decide it yourself") as caught:
        check_approver(make_request(), clicker, NO_GROUP, config)
    assert "Another approver must" in str(caught.value)


def test_same_approver_cannot_approve_twice() -> None:
    request = make_request(required_approvals=2).with_decision(_approve("U0ALICE"))
    with pytest.raises(PolicyRefused, match="already approved"):
        check_approver(request, make_user("U0ALICE"), NO_GROUP, make_config())
    check_approver(request, make_user("U0BOB"), NO_GROUP, make_config())


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ([(8080, 8080)], ()),
        ([(8000, 8099)], ()),  # exactly 100 ports is not broad
        ([(8000, 8100)], (RiskFlag.BROAD,)),
        ([(8000, 8049), (9000, 9050)], (RiskFlag.BROAD,)),  # widths add up
        ([(8000, 8099), (8000, 8099)], ()),  # repeats are not counted twice
        ([(22, 22)], (RiskFlag.SENSITIVE_PORT,)),
        ([(3000, 4000)], (RiskFlag.BROAD, RiskFlag.SENSITIVE_PORT)),  # 3306 and 3389 inside
        ([(1, 65535)], (RiskFlag.ALL_PORTS, RiskFlag.BROAD, RiskFlag.SENSITIVE_PORT)),
    ],
)
def test_risk_flags(spec: list[tuple[int, int]], expected: tuple[RiskFlag, ...]) -> None:
    assert risk_flags(_ports(*spec), make_config()) == expected


def test_risk_thresholds_are_configurable() -> None:
    config = make_config(broad_ports=10, sensitive_ports=frozenset({8080}))
    assert risk_flags(_ports((8080, 8090)), config) == (RiskFlag.BROAD, RiskFlag.SENSITIVE_PORT)
    assert risk_flags(_ports((22, 22)), config) == ()


@pytest.mark.parametrize(
    ("flags", "needed"),
    [
        ((), 1),
        ((RiskFlag.BROAD,), 2),
        ((RiskFlag.SENSITIVE_PORT,), 2),
        ((RiskFlag.ALL_PORTS, RiskFlag.BROAD), 2),
    ],
)
def test_required_approvals(flags: tuple[RiskFlag, ...], needed: int) -> None:
    assert required_approvals(flags) == needed


def test_single_approval_approves_a_plain_request() -> None:
    outcome = apply_decision(make_request(), _approve("U0ALICE"))
    assert outcome.request.state is RequestState.APPROVED
    assert outcome.decided
    assert outcome.progress == "1 of 1"
    assert outcome.request.updated_at == T0 + timedelta(minutes=1)


def test_sensitive_request_needs_two_distinct_approvers() -> None:
    flags = risk_flags(_ports((22, 22)), make_config())
    request = make_request(risk_flags=flags, required_approvals=required_approvals(flags))

    first = apply_decision(request, _approve("U0ALICE", minutes=1))
    assert first.request.state is RequestState.PENDING
    assert not first.decided
    assert first.progress == "1 of 2"
    assert first.request.updated_at == T0 + timedelta(minutes=1)

    with pytest.raises(PolicyRefused, match="already approved"):
        apply_decision(first.request, _approve("U0ALICE", minutes=2))

    second = apply_decision(first.request, _approve("U0BOB", minutes=3))
    assert second.request.state is RequestState.APPROVED
    assert second.progress == "2 of 2"
    assert [a.user_id for a in second.request.approvers] == ["U0ALICE", "U0BOB"]


def test_deny_ends_the_request_even_after_an_approval() -> None:
    request = apply_decision(make_request(required_approvals=2), _approve("U0ALICE")).request
    denial = Decision(
        actor=Actor(org_id=HOME_ENTERPRISE, team_id=HOME_TEAM, user_id="U0BOB"),
        verdict=Verdict.DENY,
        at=T0 + timedelta(minutes=2),
        reason="use the internal load balancer",
    )
    outcome = apply_decision(request, denial)
    assert outcome.request.state is RequestState.DENIED
    assert outcome.request.state_reason == "use the internal load balancer"
    assert outcome.decided
    assert outcome.request.decisions[-1] == denial


def test_decision_after_the_deadline_is_refused() -> None:
    request = make_request(expires_at=T0 + timedelta(minutes=1))
    with pytest.raises(PolicyRefused, match="expired"):
        apply_decision(request, _approve("U0ALICE", minutes=1))


@pytest.mark.parametrize(
    "state", [s for s in RequestState if s is not RequestState.PENDING], ids=str
)
def test_only_pending_requests_take_decisions(state: RequestState) -> None:
    with pytest.raises(IllegalTransition):
        apply_decision(make_request(state=state), _approve("U0ALICE"))
