"""Request model: exact JSON round-trip, value semantics, fingerprints."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from approvals.model import (
    Actor,
    BackendGroup,
    CardRef,
    Decision,
    ReplyTo,
    Request,
    RequestKind,
    RequestState,
    RuleOutcome,
    RuleResult,
    Surface,
    Verdict,
    fingerprint,
    merge_port_ranges,
)
from tests.approvals.examples import T0, make_request
from tests.approvals.strategies import instants, port_ranges, requests
from vocabulary.commands import PortRange


# Building a whole request per example is slow on a busy machine; time is not under test.
@settings(deadline=None)
@given(requests())
def test_json_round_trip_is_exact(request: Request) -> None:
    text = request.model_dump_json()
    loaded = Request.model_validate_json(text)
    assert loaded == request
    assert loaded.model_dump_json() == text
    assert type(loaded.command) is type(request.command)
    assert loaded.requester.team_id == request.requester.team_id


@given(instants)
def test_times_are_kept_in_utc(instant: datetime) -> None:
    request = make_request(created_at=instant)
    assert request.created_at.tzinfo is UTC
    assert request.created_at == instant


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValidationError):
        make_request(created_at=datetime(2025, 3, 1, 9, 0))


def test_kind_must_match_the_command() -> None:
    with pytest.raises(ValidationError, match="makes a authorize request"):
        make_request(kind=RequestKind.REVOKE)


def test_request_id_must_be_crockford() -> None:
    with pytest.raises(ValidationError):
        make_request(id="REQ-ABCDU")


def test_actor_equality_ignores_the_workspace_within_one_org() -> None:
    one = Actor(org_id="E1", team_id="T1", user_id="U1")
    assert one == Actor(org_id="E1", team_id="T2", user_id="U1")
    assert hash(one) == hash(Actor(org_id="E1", team_id="T2", user_id="U1"))
    assert one != Actor(org_id="E2", team_id="T1", user_id="U1")
    assert one != Actor(org_id="E1", team_id="T1", user_id="U2")


def test_response_url_is_kept_out_of_repr() -> None:
    reply_to = ReplyTo(surface=Surface.SLASH, channel_id="C1", response_url="https://hooks/secret")
    assert "secret" not in repr(reply_to)
    assert "secret" not in repr(make_request(reply_to=reply_to))
    assert reply_to.response_url == "https://hooks/secret"


def test_evolve_validates_changes() -> None:
    request = make_request()
    with pytest.raises(ValidationError):
        request.evolve(required_approvals=0)
    with pytest.raises(ValidationError):
        request.evolve(no_such_field=1)
    assert request.evolve(state="applied").state is RequestState.APPLIED


def test_requests_are_frozen() -> None:
    request = make_request()
    with pytest.raises(ValidationError):
        request.state = RequestState.APPLIED  # type: ignore[misc]


def test_approvers_are_distinct_and_ignore_denials() -> None:
    alice = Actor(org_id="E1", team_id="T1", user_id="UALICE")
    bob = Actor(org_id="E1", team_id="T1", user_id="UBOB")
    request = make_request()
    for actor, verdict in [(alice, Verdict.APPROVE), (bob, Verdict.DENY), (alice, Verdict.APPROVE)]:
        request = request.with_decision(Decision(actor=actor, verdict=verdict, at=T0))
    assert request.approvers == (alice,)
    assert request.has_approved(alice)
    assert not request.has_approved(bob)


def test_with_card_and_results() -> None:
    card = CardRef(channel_id="C0SEC", message_ts="1700000000.000100")
    result = RuleResult(
        security_group_id="sg-1",
        port_range=PortRange(start=80, end=80),
        outcome=RuleOutcome.CREATED,
        rule_id=12,
    )
    request = make_request().with_card(card).with_results([result])
    assert (request.card, request.results) == (card, (result,))


def _group(sg_id: str) -> BackendGroup:
    return BackendGroup(security_group_id=sg_id, name=sg_id, group_type="normal", vpc_id="vpc-1")


def _ports(*spec: tuple[int, int]) -> list[PortRange]:
    return [PortRange(start=a, end=b) for a, b in spec]


def test_fingerprint_ignores_order_duplicates_and_range_splitting() -> None:
    first = fingerprint(
        "gw-1",
        [_group("sg-a"), _group("sg-b")],
        _ports((80, 81), (443, 443)),
        RequestKind.AUTHORIZE,
    )
    same = fingerprint(
        "gw-1",
        [_group("sg-b"), _group("sg-a"), _group("sg-a")],
        _ports((443, 443), (81, 81), (80, 80)),
        RequestKind.AUTHORIZE,
    )
    assert first == same


@pytest.mark.parametrize(
    ("gateway", "groups", "port_spec", "kind"),
    [
        ("gw-2", ["sg-a"], [(80, 80)], RequestKind.AUTHORIZE),
        ("gw-1", ["sg-b"], [(80, 80)], RequestKind.AUTHORIZE),
        ("gw-1", ["sg-a", "sg-b"], [(80, 80)], RequestKind.AUTHORIZE),
        ("gw-1", ["sg-a"], [(80, 81)], RequestKind.AUTHORIZE),
        ("gw-1", ["sg-a"], [(80, 80)], RequestKind.REVOKE),
    ],
)
def test_fingerprint_differs_when_anything_differs(
    gateway: str, groups: list[str], port_spec: list[tuple[int, int]], kind: RequestKind
) -> None:
    base = fingerprint("gw-1", [_group("sg-a")], _ports((80, 80)), RequestKind.AUTHORIZE)
    other = fingerprint(gateway, [_group(g) for g in groups], _ports(*port_spec), kind)
    assert other != base


@given(st.lists(port_ranges, min_size=1, max_size=6))
def test_merged_ranges_cover_exactly_the_same_ports(ranges: list[PortRange]) -> None:
    merged = merge_port_ranges(ranges)
    # Disjoint, ordered and not touching, so no further merge is possible.
    assert all(a.end + 1 < b.start for a, b in itertools.pairwise(merged))
    edges = {port for r in ranges for port in (r.start - 1, r.start, r.end, r.end + 1)}
    for probe in edges:
        inside_input = any(r.start <= probe <= r.end for r in ranges)
        inside_merged = any(r.start <= probe <= r.end for r in merged)
        assert inside_input == inside_merged
