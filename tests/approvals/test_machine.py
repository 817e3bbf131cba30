"""The transition table, checked over every pair of states."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from approvals.machine import (
    HOLDING,
    TERMINAL,
    TRANSITIONS,
    IllegalTransition,
    can_transition,
    transition,
)
from approvals.model import RequestState
from tests.approvals.examples import T0, make_request
from vocabulary.errors import SgbotError

ALL_PAIRS = list(itertools.product(RequestState, RequestState))
LATER = T0 + timedelta(minutes=5)


def test_table_covers_every_state() -> None:
    assert set(TRANSITIONS) == set(RequestState)


@pytest.mark.parametrize(("from_state", "to_state"), ALL_PAIRS)
def test_every_pair_is_either_a_legal_move_or_raises(
    from_state: RequestState, to_state: RequestState
) -> None:
    request = make_request(state=from_state, version=7, state_reason="before")
    if to_state in TRANSITIONS[from_state]:
        moved = transition(request, to_state, at=LATER, reason="why")
        assert moved.state is to_state
        assert moved.updated_at == LATER
        assert moved.state_reason == "why"
        assert moved.version == 7
        assert request.state is from_state
        assert can_transition(from_state, to_state)
    else:
        with pytest.raises(IllegalTransition) as caught:
            transition(request, to_state, at=LATER)
        assert (caught.value.from_state, caught.value.to_state) == (from_state, to_state)
        assert not can_transition(from_state, to_state)


DOCUMENTED_MOVES = [
    ("received", "resolving"),
    ("received", "rejected"),
    ("resolving", "pending"),
    ("resolving", "rejected"),
    ("pending", "approved"),
    ("pending", "denied"),
    ("pending", "expired"),
    ("pending", "cancelled"),
    ("approved", "applying"),
    ("applying", "applied"),
    ("applying", "failed"),
    ("applying", "partly_applied"),
    ("failed", "applying"),
    ("failed", "cancelled"),
    ("partly_applied", "applying"),  # retry completes the rest
    ("partly_applied", "revoking"),  # its end, End access or a revoke removes what it made
    ("applied", "revoking"),
    ("revoking", "revoked"),
    ("revoking", "applied"),
    ("revoking", "partly_applied"),
]


@pytest.mark.parametrize(("from_state", "to_state"), DOCUMENTED_MOVES)
def test_documented_moves_are_legal(from_state: str, to_state: str) -> None:
    assert can_transition(RequestState(from_state), RequestState(to_state))


def test_legal_moves_are_exactly_the_documented_ones() -> None:
    legal = {(a, b) for a, b in ALL_PAIRS if can_transition(a, b)}
    documented = {(RequestState(a), RequestState(b)) for a, b in DOCUMENTED_MOVES}
    assert legal == documented


def test_terminal_states_have_no_way_out() -> None:
    assert {
        RequestState.REJECTED,
        RequestState.DENIED,
        RequestState.EXPIRED,
        RequestState.CANCELLED,
        RequestState.REVOKED,
    } == TERMINAL


def test_every_state_is_reachable_from_received() -> None:
    reached = {RequestState.RECEIVED}
    frontier = [RequestState.RECEIVED]
    while frontier:
        for following in TRANSITIONS[frontier.pop()]:
            if following not in reached:
                reached.add(following)
                frontier.append(following)
    assert reached == set(RequestState)


def test_a_partly_applied_grant_can_never_be_cancelled_with_its_rules_left() -> None:
    assert not can_transition(RequestState.PARTLY_APPLIED, RequestState.CANCELLED)
    assert {RequestState.APPLIED, RequestState.PARTLY_APPLIED} == HOLDING


def test_transition_without_reason_clears_the_old_one() -> None:
    request = make_request(state=RequestState.FAILED, state_reason="throttled")
    assert transition(request, RequestState.APPLYING, at=LATER).state_reason is None


def test_illegal_transition_is_an_sgbot_error_with_a_readable_message() -> None:
    error = IllegalTransition(RequestState.EXPIRED, RequestState.APPROVED)
    assert isinstance(error, SgbotError)
    assert str(error) == "a request cannot go from expired to approved"
