"""Hypothesis strategies for approval requests, covering every command, target and field."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

from hypothesis import strategies as st

from approvals.model import (
    Actor,
    BackendGroup,
    CardRef,
    Decision,
    PlannedRule,
    ReplyTo,
    Request,
    RequestState,
    RiskFlag,
    RuleAction,
    RuleOutcome,
    RuleResult,
    Surface,
    Verdict,
    kind_of,
)
from vocabulary.commands import (
    MAX_PORT,
    Authorize,
    ClusterTarget,
    GatewayRef,
    InstanceTarget,
    NodePoolTarget,
    PortRange,
    RevokeRequest,
    RevokeRule,
    RevokeTarget,
    SecurityGroupTarget,
    ServiceTarget,
)

Model = TypeVar("Model")
slack_ids = st.from_regex(r"\A[UTCEW][A-Z0-9]{4,10}\Z")
words = st.text(min_size=1, max_size=20)
sg_ids = st.from_regex(r"\Asg-[0-9a-z]{1,12}\Z")
port_ranges = st.integers(1, MAX_PORT).flatmap(
    lambda start: st.builds(PortRange, start=st.just(start), end=st.integers(start, MAX_PORT))
)
ports = st.lists(port_ranges, min_size=1, max_size=4).map(tuple)
offsets = st.builds(
    timezone, st.timedeltas(min_value=timedelta(hours=-23), max_value=timedelta(hours=23))
)
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=offsets
)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400))
gateways = st.builds(GatewayRef, value=words)
targets = st.one_of(
    st.builds(ServiceTarget, name=words, namespace=st.none() | words),
    st.builds(SecurityGroupTarget, security_group_id=sg_ids),
    st.builds(InstanceTarget, instance_id=st.from_regex(r"\Ai-[0-9a-z]{1,12}\Z")),
    st.builds(ClusterTarget, cluster_id=words),
    st.builds(NodePoolTarget, nodepool_id=words, cluster_id=words),
)
request_ids = st.from_regex(r"\AREQ-[0-9A-HJKMNP-TV-Z]{5}\Z")
commands = st.one_of(
    st.builds(
        Authorize,
        gateway=gateways,
        target=targets,
        ports=ports,
        duration=st.none() | durations,
        reason=st.none() | words,
    ),
    st.builds(RevokeTarget, gateway=gateways, target=targets, ports=ports),
    st.builds(
        RevokeRule, gateway=gateways, rule_id=st.integers(1, 10**9), keep_backend_rule=st.booleans()
    ),
    st.builds(RevokeRequest, request_id=request_ids),
)
actors = st.builds(Actor, org_id=slack_ids, team_id=slack_ids, user_id=slack_ids)
optional_words = st.none() | words


def few(draw: st.DrawFn, model: type[Model], **fields: st.SearchStrategy[Any]) -> tuple[Model, ...]:
    """Up to three ``model``s, each built from ``fields``."""
    return tuple(draw(st.lists(st.builds(model, **fields), max_size=3)))


@st.composite
def requests(draw: st.DrawFn) -> Request:
    command = draw(commands)
    return Request(
        id=draw(request_ids),
        kind=kind_of(command),
        command=command,
        requester=draw(actors),
        reply_to=draw(
            st.builds(
                ReplyTo,
                surface=st.sampled_from(Surface),
                channel_id=slack_ids,
                thread_id=optional_words,
                reply_url=optional_words,
                message_id=optional_words,
            )
        ),
        intake_key=draw(words),
        created_at=draw(instants),
        updated_at=draw(instants),
        gateway_id=draw(optional_words),
        gateway_name=draw(optional_words),
        gateway_security_group=draw(st.none() | sg_ids),
        groups=few(
            draw, BackendGroup, security_group_id=sg_ids, name=words, group_type=words, vpc_id=words
        ),
        resolution_path=draw(optional_words),
        plan=few(
            draw,
            PlannedRule,
            security_group_id=sg_ids,
            port_range=port_ranges,
            action=st.sampled_from(RuleAction),
            reason=optional_words,
            existing_rule_id=st.none() | st.integers(1, 10**9),
        ),
        ports=draw(ports),
        duration=draw(st.none() | durations),
        reason=draw(optional_words),
        risk_flags=tuple(draw(st.lists(st.sampled_from(RiskFlag), unique=True))),
        required_approvals=draw(st.integers(1, 3)),
        fingerprint=draw(optional_words),
        state=draw(st.sampled_from(RequestState)),
        state_reason=draw(optional_words),
        decisions=few(
            draw,
            Decision,
            actor=actors,
            verdict=st.sampled_from(Verdict),
            at=instants,
            reason=optional_words,
        ),
        expires_at=draw(st.none() | instants),
        grant_expires_at=draw(st.none() | instants),
        results=few(
            draw,
            RuleResult,
            security_group_id=sg_ids,
            port_range=port_ranges,
            outcome=st.sampled_from(RuleOutcome),
            rule_id=st.none() | st.integers(1, 10**9),
            cloud_request_id=optional_words,
            error=optional_words,
        ),
        card=draw(st.none() | st.builds(CardRef, channel_id=slack_ids, message_id=words)),
        incident_id=draw(optional_words),
        version=draw(st.integers(0, 10**6)),
        emulated=draw(st.booleans()),
    )
