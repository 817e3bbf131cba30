"""Table-driven tests of the chat grammar: valid, incomplete and invalid phrasings."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.grammar import (
    HELP_EXAMPLES,
    HELP_TEXT,
    MAX_TEXT_CHARS,
    parse_command,
    parse_ports,
    render_command,
    unwrap_slack_markup,
)
from vocabulary.commands import (
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
from vocabulary.errors import IncompleteCommand, UsageError

GW = GatewayRef(value="prod-gw")
GW_ID = "gw-0123456789abcdef0123456789abcdef"
WEB = ServiceTarget(name="web", namespace="shop")
SG = SecurityGroupTarget(security_group_id="sg-bp1abc")


def ports(*ranges: int | tuple[int, int]) -> tuple[PortRange, ...]:
    pairs = [(item, item) if isinstance(item, int) else item for item in ranges]
    return tuple(PortRange(start=start, end=end) for start, end in pairs)


def grant(
    target: Target = WEB,
    port_ranges: tuple[PortRange, ...] = ports(443),
    *,
    gateway: GatewayRef = GW,
    duration: timedelta | None = None,
    reason: str | None = None,
) -> Authorize:
    return Authorize(
        gateway=gateway, target=target, ports=port_ranges, duration=duration, reason=reason
    )


VALID: list[tuple[str, Command]] = [
    ("authorize gateway prod-gw to service web.shop on 443", grant()),
    ("AUTHORIZE Gateway prod-gw TO Service web.shop ON 443", grant()),
    ("allow gateway prod-gw to service web in shop on 443", grant()),
    ("grant gateway prod-gw to service web.shop on port 443", grant()),
    ("open gateway prod-gw to service web.shop on ports 443", grant()),
    ("authorize gateway prod-gw to service web on 443", grant(ServiceTarget(name="web"))),
    (
        'authorize gateway prod-gw to service "web.v2" on 443',
        grant(ServiceTarget(name="web.v2")),
    ),
    (
        "authorize gateway prod-gw to service web.svc.cluster on 443",
        grant(ServiceTarget(name="web.svc.cluster")),
    ),
    ("<@U0BOT> authorize gateway prod-gw to service web.shop on 443", grant()),
    ("<@U0BOT|sgbot>   authorize gateway prod-gw to service web.shop on 443", grant()),
    (
        "authorize gateway prod-gw to service <http://web.shop|web.shop> on 443",
        grant(),
    ),
    (
        "authorize gateway prod-gw to service web.shop on 443 because R&amp;D &lt;urgent&gt;",
        grant(reason="R&D <urgent>"),
    ),
    (
        "authorize gateway prod-gw to service web.shop on 443 because asked by <@U123ABC>",
        grant(reason="asked by @U123ABC"),
    ),
    (
        "authorize gateway 生产网关 to service web.shop on 443",
        grant(gateway=GatewayRef(value="生产网关")),
    ),
    (
        'authorize gateway "edge gateway 2" to service web.shop on 443',
        grant(gateway=GatewayRef(value="edge gateway 2")),
    ),
    (
        "authorize gateway \u201cedge gateway\u201d to service web.shop on 443",
        grant(gateway=GatewayRef(value="edge gateway")),
    ),
    (
        'authorize gateway "to" to service web.shop on 443',
        grant(gateway=GatewayRef(value="to")),
    ),
    (
        f"authorize gateway {GW_ID.upper().replace('GW-', 'gw-')} to service web.shop on 443",
        grant(gateway=GatewayRef(value=GW_ID)),
    ),
    (f"authorize gateway {GW_ID} to sg-bp1abc on 443", grant(SG, gateway=GatewayRef(value=GW_ID))),
    ("authorize gateway prod-gw to SG-BP1ABC on 443", grant(SG)),
    ("authorize gateway prod-gw to security group sg-bp1abc on 443", grant(SG)),
    (
        "authorize gateway prod-gw to instance i-bp1xyz on 22",
        grant(InstanceTarget(instance_id="i-bp1xyz"), ports(22)),
    ),
    (
        "authorize gateway prod-gw to cluster c8155823d0 on 443",
        grant(ClusterTarget(cluster_id="c8155823d0")),
    ),
    (
        "authorize gateway prod-gw to nodepool np1a2b in cluster c8155823d0 on 443",
        grant(NodePoolTarget(nodepool_id="np1a2b", cluster_id="c8155823d0")),
    ),
    ("authorize gateway prod-gw to sg-bp1abc on 8080-8090", grant(SG, ports((8080, 8090)))),
    ("authorize gateway prod-gw to sg-bp1abc on 8080/8090", grant(SG, ports((8080, 8090)))),
    ("authorize gateway prod-gw to sg-bp1abc on 80,81-90 and 85", grant(SG, ports((80, 90)))),
    ("authorize gateway prod-gw to sg-bp1abc on 443, 80 and 8080", grant(SG, ports(80, 443, 8080))),
    ("authorize gateway prod-gw to sg-bp1abc on 80 81", grant(SG, ports((80, 81)))),
    ("authorize gateway prod-gw to sg-bp1abc on all", grant(SG, ports((1, 65535)))),
    ("authorize gateway prod-gw to sg-bp1abc on 1-65535", grant(SG, ports((1, 65535)))),
    ("authorize on 443 to sg-bp1abc gateway prod-gw", grant(SG)),
    (
        "authorize gateway prod-gw to sg-bp1abc on 443 for 4h",
        grant(SG, duration=timedelta(hours=4)),
    ),
    (
        "authorize gateway prod-gw to sg-bp1abc on 443 for 2 hours",
        grant(SG, duration=timedelta(hours=2)),
    ),
    ("authorize gateway prod-gw to sg-bp1abc on 443 for permanent", grant(SG)),
    (
        "authorize gateway prod-gw to sg-bp1abc on 443 for 30m because load test",
        grant(SG, duration=timedelta(minutes=30), reason="load test"),
    ),
    (
        "authorize gateway prod-gw to sg-bp1abc on 443 because load test for 2h",
        grant(SG, duration=timedelta(hours=2), reason="load test"),
    ),
    (
        "authorize gateway prod-gw to sg-bp1abc on 443 because load test for 2 days",
        grant(SG, duration=timedelta(days=2), reason="load test"),
    ),
    (
        "authorize gateway prod-gw to sg-bp1abc on 443 because waiting for approval",
        grant(SG, reason="waiting for approval"),
    ),
    (
        "authorize gateway prod-gw to sg-bp1abc on 443 because for 2h we test, then stop",
        grant(SG, reason="for 2h we test, then stop"),
    ),
    (
        "authorize gateway prod-gw to sg-bp1abc on 443 reason: incident  #42 on gateway",
        grant(SG, reason="incident  #42 on gateway"),
    ),
    (
        "authorize gateway prod-gw to sg-bp1abc on 443 reason:load test",
        grant(SG, reason="load test"),
    ),
    (
        'authorize gateway prod-gw to sg-bp1abc on 443 because "load test for 2h"',
        grant(SG, reason="load test for 2h"),
    ),
    (
        "authorize gateway prod-gw to sg-bp1abc on 443 because 压测 for 1w",
        grant(SG, duration=timedelta(weeks=1), reason="压测"),
    ),
    (
        "authorize gateway prod-gw\nto sg-bp1abc\ton 443",
        grant(SG),
    ),
    (
        "authorize gateway prod-gw to sg-bp1abc on 443 because debugging\nfor 30m",
        grant(SG, duration=timedelta(minutes=30), reason="debugging"),
    ),
    (
        "revoke gateway prod-gw from service web.shop on 443",
        RevokeTarget(gateway=GW, target=WEB, ports=ports(443)),
    ),
    (
        "remove gateway prod-gw from sg-bp1abc on 80,443",
        RevokeTarget(gateway=GW, target=SG, ports=ports(80, 443)),
    ),
    ("revoke rule 12345 on gateway prod-gw", RevokeRule(gateway=GW, rule_id=12345)),
    (
        "delete rule #7 on gateway prod-gw keep backend rule",
        RevokeRule(gateway=GW, rule_id=7, keep_backend_rule=True),
    ),
    ("revoke REQ-7F3K2", RevokeRequest(request_id="REQ-7F3K2")),
    ("revoke req-7f3kl", RevokeRequest(request_id="REQ-7F3K1")),
    ("revoke REQ-0O1IL", RevokeRequest(request_id="REQ-00111")),
    ("list rules for gateway prod-gw", ListRules(gateway=GW)),
    ("list gateway prod-gw", ListRules(gateway=GW)),
    ("rules prod-gw", ListRules(gateway=GW)),
    ('rules "edge gateway"', ListRules(gateway=GatewayRef(value="edge gateway"))),
    ("list pending", ListPending()),
    ("status REQ-7F3K2", Status(request_id="REQ-7F3K2")),
    ("cancel req-7f3k2", Cancel(request_id="REQ-7F3K2")),
    ("history", History()),
    ("history gateway prod-gw", History(gateway=GW)),
    ("help", Help()),
    ("HELP me please", Help()),
    ("\u200bhelp\ufeff", Help()),
    ("<@U0BOT> help", Help()),
]


@pytest.mark.parametrize(("text", "expected"), VALID)
def test_valid_phrasings_parse_to_the_expected_command(text: str, expected: Command) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize(("text", "expected"), VALID)
def test_every_valid_command_renders_back_to_itself(text: str, expected: Command) -> None:
    assert parse_command(render_command(expected)) == expected


INCOMPLETE: list[tuple[str, str, tuple[str, ...], dict[str, object]]] = [
    ("authorize", "authorize", ("gateway", "target", "ports"), {}),
    ("<@U0BOT> grant", "authorize", ("gateway", "target", "ports"), {}),
    ("authorize gateway prod-gw", "authorize", ("target", "ports"), {"gateway": GW}),
    (
        "authorize gateway prod-gw on 80,81",
        "authorize",
        ("target",),
        {"gateway": GW, "ports": ports((80, 81))},
    ),
    (
        "authorize to sg-bp1abc on 443",
        "authorize",
        ("gateway",),
        {"target": SG, "ports": ports(443)},
    ),
    ("authorize gateway to sg-bp1abc", "authorize", ("gateway", "ports"), {"target": SG}),
    (
        "authorize gateway prod-gw to on 443 for 2h because test",
        "authorize",
        ("target",),
        {"gateway": GW, "ports": ports(443), "duration": timedelta(hours=2), "reason": "test"},
    ),
    ("revoke", "revoke", ("gateway", "target", "ports"), {}),
    ("revoke gateway prod-gw from sg-bp1abc", "revoke", ("ports",), {"gateway": GW, "target": SG}),
    ("revoke rule 12 on gateway", "revoke", ("gateway",), {"rule_id": 12}),
    ("revoke rule on gateway prod-gw", "revoke", ("rule_id",), {"gateway": GW}),
]


@pytest.mark.parametrize(("text", "verb", "missing", "given"), INCOMPLETE)
def test_incomplete_requests_name_what_is_missing(
    text: str, verb: str, missing: tuple[str, ...], given: dict[str, object]
) -> None:
    with pytest.raises(IncompleteCommand) as caught:
        parse_command(text)
    assert (caught.value.verb, caught.value.missing, caught.value.given) == (verb, missing, given)
    for part in missing:
        assert part in str(caught.value)
    json.dumps(caught.value.given, default=str)


INVALID: list[tuple[str, str]] = [
    ("", "help"),
    ("   ", "help"),
    ("<@U0BOT>", "help"),
    ("autorize gateway prod-gw to sg-bp1abc on 443", "did you mean `authorize`"),
    ("authorize gatway prod-gw to sg-bp1abc on 443", "did you mean `gateway`"),
    ("authorize gateway prod-gw to servce web on 443", "did you mean `service`"),
    ("lsit pending", "did you mean `list`"),
    ("deploy everything", "`deploy`"),
    ("authorize gateway prod-gw to sg-bp1abc on 0", "`0`"),
    ("authorize gateway prod-gw to sg-bp1abc on 70000", "`70000`"),
    ("authorize gateway prod-gw to sg-bp1abc on 9-3", "`9-3`"),
    ("authorize gateway prod-gw to sg-bp1abc on http", "`http`"),
    ("authorize gateway prod-gw to sg-bp1abc on 443 for load test", "`load` is not a duration"),
    ("authorize gateway prod-gw to sg-bp1abc on 443 for 0h", "`0h`"),
    ("authorize gateway prod-gw to sg-bp1abc on 443 for", "`for` needs"),
    ("authorize gateway prod-gw to sg-bp1abc on 443 because", "reason is empty"),
    ("authorize gateway prod-gw to sg-bp1abc on 443 because " + "x" * 501, "501 characters"),
    ("authorize gateway a gateway b to sg-bp1abc on 443", "gateway is given twice"),
    ("authorize gateway prod-gw to sg-bp1abc on 443 for 1h because x for 2h", "given twice"),
    ('authorize gateway "prod gw to sg-bp1abc on 443', "never closed"),
    ('authorize gateway "" to sg-bp1abc on 443', "empty"),
    ("authorize gateway prod-gw to sg-!! on 443", "`sg-!!`"),
    ("authorize gateway prod-gw to instance sg-1 on 443", "`sg-1` is not an ECS instance"),
    ("authorize gateway prod-gw to nodepool np1 on 443", "needs its cluster"),
    ("authorize gateway prod-gw to service .shop on 443", "`.shop` is not a service"),
    ("authorize gateway prod-gw to service on 443", "`service` needs"),
    ("revoke gateway prod-gw from sg-bp1abc on 443 for 2h", "`for`"),
    ("revoke rule abc on gateway prod-gw", "`abc` is not a rule id"),
    ("revoke rule 0 on gateway prod-gw", "`0` is not a rule id"),
    ("revoke REQ-7F3KU", "`REQ-7F3KU` is not a request id"),
    ("revoke REQ-7F3K2 later", "`later`"),
    ("status", "`status` needs"),
    ("status 12345", "`12345` is not a request id"),
    ("cancel REQ-7F3K", "`REQ-7F3K`"),
    ("list", "`list` needs"),
    ("list everything", "`everything`"),
    ("list pending tomorrow", "`tomorrow`"),
    ("history prod-gw", "`prod-gw`"),
    ("history gatway prod-gw", "did you mean `gateway`"),
    ("authorize gateway prod\x00gw to sg-bp1abc on 443", "U+0000"),
    ("authorize gateway prod\u202egw to sg-bp1abc on 443", "U+202E"),
    ("authorize gateway prod-gw to sg-bp1abc on " + "8" * 3000, "out of range"),
    ("help \ud800", "U+D800"),
    ("authorize gateway prod-gw to sg-bp1abc on 443 for 99999999999999999w", "duration"),
    ("x" * 40_000, "too long"),
]


@pytest.mark.parametrize(("text", "fragment"), INVALID)
def test_invalid_phrasings_name_what_is_wrong(text: str, fragment: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_command(text)
    assert fragment.lower() in str(caught.value).lower()
    assert "Type" in str(caught.value) or "type" in str(caught.value)


def test_durations_over_the_maximum_are_refused_and_name_the_maximum() -> None:
    text = "authorize gateway prod-gw to sg-bp1abc on 443 because soak test for 2w"
    with pytest.raises(UsageError, match=r"`2w` is longer .* 1w"):
        parse_command(text, max_duration=timedelta(weeks=1))
    allowed = parse_command(text, max_duration=timedelta(weeks=2))
    assert allowed == grant(SG, duration=timedelta(weeks=2), reason="soak test")


def test_permanent_is_allowed_whatever_the_maximum() -> None:
    text = "authorize gateway prod-gw to sg-bp1abc on 443 for permanent"
    assert parse_command(text, max_duration=timedelta(hours=1)) == grant(SG)


def test_a_long_unknown_word_is_shortened_in_the_message() -> None:
    with pytest.raises(UsageError) as caught:
        parse_command("`" + "y" * 3000)
    assert len(str(caught.value)) < 400
    assert "``" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<@U123> said hi", "@U123 said hi"),
        ("<#C123|ops> and <#C456>", "#ops and #C456"),
        ("<!here> <!subteam^S1|@sec>", "@here @sec"),
        ("<http://web.shop|web.shop> <https://x.example/a>", "web.shop https://x.example/a"),
        ("a &amp; b &lt;c&gt; &amp;lt;", "a & b <c> &lt;"),
    ],
)
def test_slack_markup_unwraps_to_what_the_person_saw(text: str, expected: str) -> None:
    assert unwrap_slack_markup(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("80", ports(80)),
        ("443 80", ports(80, 443)),
        ("80,81-90 and 85", ports((80, 90))),
        ("100-200, 150/250, 251", ports((100, 251))),
        ("22 and all", ports((1, 65535))),
        ("8080 8080", ports(8080)),
    ],
)
def test_ports_are_merged_and_sorted(text: str, expected: tuple[PortRange, ...]) -> None:
    assert parse_ports(text) == expected


def test_help_text_is_mrkdwn_safe_and_its_examples_parse() -> None:
    assert not set("<>&") & set(HELP_TEXT)
    for example in HELP_EXAMPLES:
        assert example in HELP_TEXT
        command = parse_command(example)
        assert parse_command(render_command(command)) == command


def test_the_length_cap_is_inclusive() -> None:
    text = "help " + "x" * (MAX_TEXT_CHARS - 5)
    assert parse_command(text) == Help()
    with pytest.raises(UsageError, match="too long"):
        parse_command(text + "x")


def test_render_quotes_names_that_would_not_read_back() -> None:
    command = grant(
        ServiceTarget(name="a.b", namespace="on"),
        gateway=GatewayRef(value='edge "blue" gw'),
        reason='"quoted"',
    )
    text = render_command(command)
    assert '"a.b"' in text
    assert '"on"' in text
    assert parse_command(text) == command
