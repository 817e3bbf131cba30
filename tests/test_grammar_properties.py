"""Property tests of the grammar: no input escapes the error tree, render inverts parse, and
the forgiving reader reads generated everyday phrasings of any request as that request."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.grammar import (
    HELP_EXAMPLES,
    NeedsConfirmation,
    Reading,
    parse_command,
    read_command,
    render_command,
)
from tests.grammar_corpus.strategies import everyday_requests
from vocabulary.commands import (
    MAX_PORT,
    MAX_REASON_CHARS,
    REQUEST_ID_RE,
    Authorize,
    Cancel,
    ClusterTarget,
    Command,
    GatewayRef,
    Help,
    History,
    InstanceTarget,
    ListPending,
    ListRules,
    NodePoolTarget,
    PortRange,
    RevokeRequest,
    RevokeRule,
    RevokeTarget,
    SecurityGroupTarget,
    ServiceTarget,
    Status,
    Target,
)
from vocabulary.errors import IncompleteCommand, UsageError, UserError

MODEST = settings(max_examples=300, deadline=None)
GRAMMAR_WORDS = sorted({word for example in HELP_EXAMPLES for word in example.split()})
OPENINGS = [
    "authorize gateway",
    "authorize gateway prod-gw to",
    "authorize gateway prod-gw to sg-1 on",
    "authorize gateway prod-gw to sg-1 on 443 because",
    "revoke",
    "revoke rule",
    "list",
    "rules",
    "history",
    "status",
    "please authorize",
    "allow prod-gw to reach",
    "close port 80 from",
    "授权网关",
    "what's the status of",
    "show me the rules of",
]
TRICKY_WORDS = ['"', "\u201c", "\\", "&amp;", "<@U1>", "<#C1|x>", "for", "2h", "because", "0"]
TRICKY_WORDS += ["->", "tcp/80", "端口", "网关", "`x y`", "*z*", "please", "temporarily", ":", "的"]


def _printable(text: str) -> bool:
    """Text a person could have typed: NFC, no controls or format characters, trimmed."""
    return (
        bool(text)
        and text == text.strip()
        and unicodedata.normalize("NFC", text) == text
        and not unicodedata.category(text[0]).startswith("M")
    )


free_text = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Cf", "Co", "Cn")), min_size=1, max_size=24
).filter(_printable)
names = st.one_of(free_text, st.sampled_from([*GRAMMAR_WORDS, "a.b", "reason:x", "all"]))
phrases = st.lists(st.one_of(names, st.sampled_from(TRICKY_WORDS)), min_size=1, max_size=12)


@st.composite
def port_ranges(draw: st.DrawFn) -> tuple[PortRange, ...]:
    """Sorted ranges with gaps between them: the normal form ``parse_ports`` produces."""
    ranges: list[PortRange] = []
    start = draw(st.integers(1, MAX_PORT))
    for _ in range(draw(st.integers(1, 5))):
        end = min(MAX_PORT, start + draw(st.integers(0, 2000)))
        ranges.append(PortRange(start=start, end=end))
        start = end + 2 + draw(st.integers(0, 5000))
        if start > MAX_PORT:
            break
    return tuple(ranges)


gateways = st.one_of(
    st.from_regex(r"gw-[0-9a-f]{32}", fullmatch=True).map(lambda value: GatewayRef(value=value)),
    names.map(lambda value: GatewayRef(value=value)),
)
cloud_ids = st.from_regex(r"[0-9a-z]{1,16}", fullmatch=True)
targets: st.SearchStrategy[Target] = st.one_of(
    st.builds(ServiceTarget, name=names, namespace=st.none() | names),
    cloud_ids.map(lambda value: SecurityGroupTarget(security_group_id=f"sg-{value}")),
    cloud_ids.map(lambda value: InstanceTarget(instance_id=f"i-{value}")),
    st.builds(ClusterTarget, cluster_id=names),
    st.builds(NodePoolTarget, nodepool_id=names, cluster_id=names),
)
durations = st.none() | st.builds(
    lambda amount, unit: amount * unit,
    st.integers(1, 1000),
    st.sampled_from([timedelta(seconds=1), timedelta(minutes=1), timedelta(hours=1)]),
)
reasons = st.none() | phrases.map(" ".join).filter(
    lambda text: _printable(text) and len(text) <= MAX_REASON_CHARS
)
request_ids = st.from_regex(REQUEST_ID_RE, fullmatch=True)

commands: st.SearchStrategy[Command] = st.one_of(
    st.builds(
        Authorize,
        gateway=gateways,
        target=targets,
        ports=port_ranges(),
        duration=durations,
        reason=reasons,
    ),
    st.builds(RevokeTarget, gateway=gateways, target=targets, ports=port_ranges()),
    st.builds(
        RevokeRule,
        gateway=gateways,
        rule_id=st.integers(1, 2**63 - 1),
        keep_backend_rule=st.booleans(),
    ),
    st.builds(RevokeRequest, request_id=request_ids),
    st.builds(ListRules, gateway=gateways),
    st.just(ListPending()),
    st.builds(Status, request_id=request_ids),
    st.builds(Cancel, request_id=request_ids),
    st.builds(History, gateway=st.none() | gateways),
    st.just(Help()),
)


def _parse_or_user_error(text: str) -> None:
    """Any outcome but a reading or a user error fails. A reading's canonical form reads back
    to its command with nothing inferred, and ``parse_command`` takes the text as it is only
    when nothing was inferred."""
    try:
        outcome: Reading | UserError = read_command(text, max_duration=timedelta(days=30))
    except (UsageError, IncompleteCommand) as exc:
        outcome = exc
    if isinstance(outcome, UserError):
        assert str(outcome).strip()
        return
    assert read_command(outcome.canonical) == Reading(outcome.command)
    if outcome.inferred:
        with pytest.raises(NeedsConfirmation) as refused:
            parse_command(text, max_duration=timedelta(days=30))
        assert refused.value.reading == outcome
    else:
        assert parse_command(text, max_duration=timedelta(days=30)) == outcome.command


@MODEST
@given(st.text(max_size=300))
def test_arbitrary_text_gives_a_command_or_a_user_error(text: str) -> None:
    _parse_or_user_error(text)


@MODEST
@given(st.sampled_from(OPENINGS), phrases.map(" ".join))
def test_grammar_shaped_text_gives_a_command_or_a_user_error(opening: str, rest: str) -> None:
    _parse_or_user_error(f"{opening} {rest}")


@MODEST
@given(commands)
def test_render_then_parse_gives_the_same_command(command: Command) -> None:
    assert parse_command(render_command(command)) == command


@MODEST
@given(commands)
def test_the_canonical_form_reads_back_with_nothing_inferred(command: Command) -> None:
    assert read_command(render_command(command)) == Reading(command)


@MODEST
@given(everyday_requests())
def test_an_everyday_phrasing_reads_as_the_request_it_means(
    case: tuple[str, Authorize, frozenset[str]],
) -> None:
    text, command, inferred = case
    reading = read_command(text, max_duration=timedelta(days=30))
    assert reading.command == command
    assert {inference.kind.value for inference in reading.inferred} == inferred
