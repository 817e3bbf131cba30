"""The policy file's schema and its matching: order, first match, every matcher. Pure."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from approvals.policy_file import (
    PolicyFileError,
    Verb,
    default_policy,
    default_policy_yaml,
    load_policy,
)
from approvals.policy_rules import NO_RULE, Facts, evaluate, target_names
from vocabulary.commands import PortRange, ServiceTarget

FACTS = Facts(
    verb=Verb.AUTHORIZE,
    region="cn-hangzhou",
    gateway_id="gw-0a1b2c3d4e5f60718293a4b5c6d7e8f9",
    gateway_name="staging-gw",
    typed_target=target_names(ServiceTarget(name="orders", namespace="default")),
    groups=("sg-ackpoola01", "ack-pool-web"),
    ports=(PortRange(start=8080, end=8080),),
    duration=timedelta(hours=4),
    requester_id="U0REQUESTER",
    requester_groups=frozenset({"S0DEVS"}),
)


def policy_with(match: str, decide: str = "{approvals: 3}") -> str:
    return (
        "rules:\n"
        f"  - name: the-rule\n    match: {match}\n    decide: {decide}\n"
        "  - name: fallback\n    decide: {approvals: 1}\n"
    )


def rule_for(text: str, facts: Facts = FACTS) -> str:
    return evaluate(load_policy(text, "test.yaml"), facts).rule_name


def test_rules_are_tried_in_order_and_the_first_match_decides() -> None:
    policy = load_policy(
        "rules:\n"
        "  - {name: prod-only, match: {gateways: [prod-*]}, decide: {deny: nope}}\n"
        "  - {name: staging-first, match: {gateways: [staging-*]}, decide: {approvals: 2}}\n"
        "  - {name: staging-second, match: {gateways: [staging-gw]}, decide: {deny: never}}\n",
        "order.yaml",
    )
    ruling = evaluate(policy, FACTS)
    assert ruling.rule_name == "staging-first"
    assert ruling.decide.approvals == 2
    assert ruling.passed_over == (("prod-only", "gateway staging-gw is not listed"),)


def test_no_rule_matching_needs_one_approval() -> None:
    text = "rules: [{name: x, match: {regions: [eu-west-1]}, decide: {deny: nope}}]"
    policy = load_policy(text, "f")
    ruling = evaluate(policy, FACTS)
    assert ruling.rule_name == NO_RULE
    assert ruling.decide.approvals == 1


# (matcher text, holds for FACTS, variant of FACTS it must not hold for)
MATCHERS: list[tuple[str, Facts]] = [
    ("{gateways: [gw-0a1b2c3d4e5f60718293a4b5c6d7e8f9]}", replace(FACTS, gateway_id="gw-other")),
    ("{gateways: [staging-gw]}", replace(FACTS, gateway_name="prod-gw")),
    ("{gateways: ['stag*']}", replace(FACTS, gateway_name="prod-gw")),
    ("{regions: [cn-hangzhou]}", replace(FACTS, region="cn-shanghai")),
    ("{targets: [default/orders]}", replace(FACTS, typed_target=("payments",))),
    ("{targets: ['service:orders']}", replace(FACTS, typed_target=("payments",))),
    # A rule on a group catches a service that resolves to it, by id or by name.
    ("{targets: [sg-ackpoola01]}", replace(FACTS, groups=("sg-other",))),
    ("{targets: ['ack-pool-*']}", replace(FACTS, groups=("sg-other",))),
    (
        "{ports: {any_of: [22, 8000-8100]}}",
        replace(FACTS, ports=(PortRange(start=443, end=443),)),
    ),
    (
        "{ports: {all_within: [1024-65535]}}",
        replace(FACTS, ports=(PortRange(start=80, end=80), PortRange(start=8080, end=8080))),
    ),
    ("{ports: {wider_than: 0}}", replace(FACTS, ports=())),
    ("{max_duration: 8h}", replace(FACTS, duration=timedelta(hours=9))),
    ("{max_duration: 8h}", replace(FACTS, duration=None)),  # permanent is never "at most 8h"
    ("{verbs: [authorize]}", replace(FACTS, verb=Verb.EXTEND)),
    ("{verbs: [extend]}", FACTS),  # holds for the extend variant below instead
    ("{requesters: {users: [U0REQUESTER]}}", replace(FACTS, requester_id="U0OTHER")),
    ("{requesters: {group: S0DEVS}}", replace(FACTS, requester_groups=frozenset())),
]


@pytest.mark.parametrize(("matcher", "other"), MATCHERS)
def test_every_matcher_holds_or_not(matcher: str, other: Facts) -> None:
    text = policy_with(matcher)
    if matcher == "{verbs: [extend]}":
        assert rule_for(text, replace(FACTS, verb=Verb.EXTEND)) == "the-rule"
        assert rule_for(text) == "fallback"
        return
    assert rule_for(text) == "the-rule"
    assert rule_for(text, other) == "fallback"


def test_a_target_rule_does_not_match_unresolved_groups_offline() -> None:
    offline = replace(FACTS, groups=None)
    assert rule_for(policy_with("{targets: [sg-ackpoola01]}"), offline) == "fallback"


def test_each_decision_reads_back() -> None:
    deny = evaluate(load_policy(policy_with("{}", "{deny: 'ask in #infra'}"), "f"), FACTS).decide
    assert deny.deny == "ask in #infra"
    assert deny.label == "deny"
    auto = evaluate(load_policy(policy_with("{}", "{auto_approve: {per_day: 3}}"), "f"), FACTS)
    assert auto.decide.auto_approve is not None
    assert auto.decide.auto_approve.per_day == 3
    group = "{approvals: 2, approver_group: S0DBAS}"
    two = evaluate(load_policy(policy_with("{}", group), "f"), FACTS).decide
    assert (two.approvals, two.approver_group) == (2, "S0DBAS")


def test_auto_approval_is_passed_over_for_guests_preflight_refusals_and_long_asks() -> None:
    text = policy_with("{}", "{auto_approve: {per_day: 3, max_duration: 8h}}")
    assert rule_for(text) == "the-rule"
    assert rule_for(text, replace(FACTS, full_member=False)) == "fallback"
    assert rule_for(text, replace(FACTS, preflight_refused=True)) == "fallback"
    assert rule_for(text, replace(FACTS, duration=timedelta(hours=9))) == "fallback"


def test_revokes_are_never_denied_or_auto_approved() -> None:
    revoke = replace(FACTS, verb=Verb.REVOKE)
    assert rule_for(policy_with("{}", "{deny: nope}"), revoke) == "fallback"
    assert rule_for(policy_with("{}", "{auto_approve: {}}"), revoke) == "fallback"
    assert rule_for(policy_with("{}", "{approvals: 2}"), revoke) == "the-rule"


def test_the_default_policy_is_the_built_in_sensitive_and_broad_rules() -> None:
    policy = default_policy([22, 3306], 100)
    assert "any_of: [22, 3306]" in default_policy_yaml([22, 3306], 100)
    ssh = replace(FACTS, ports=(PortRange(start=22, end=22),))
    broad = replace(FACTS, ports=(PortRange(start=1000, end=1100),))
    assert evaluate(policy, ssh).decide.approvals == 2
    assert evaluate(policy, broad).decide.approvals == 2
    assert evaluate(policy, FACTS).rule_name == "everything-else"
    assert evaluate(policy, FACTS).decide.approvals == 1


def test_every_problem_is_reported_with_its_location() -> None:
    text = (
        "mode: enforce\n"
        "rules:\n"
        "  - name: a\n    decide: {deny: x, approvals: 2}\n"
        "  - name: b\n    match: {ports: {any_of: [x-1]}, colour: red}\n"
        "    decide: {approvals: 2}\n"
        "  - name: a\n    decide: {approvals: 1}\n"
    )
    with pytest.raises(PolicyFileError) as raised:
        load_policy(text, "bad.yaml")
    assert raised.value.problems == [
        "rules[0] (a).decide: give exactly one of auto_approve, approvals or deny",
        "rules[1] (b).match.ports.any_of[0]: 'x-1' is not a port or a range like 8000-8100",
        "rules[1] (b).match.colour: Extra inputs are not permitted",
    ]


def test_broken_yaml_names_the_line() -> None:
    with pytest.raises(PolicyFileError) as raised:
        load_policy("rules:\n  - name: [\n", "bad.yaml")
    assert raised.value.problems[0].startswith("line 3, column 1: not valid YAML")


def test_the_hash_follows_the_text() -> None:
    text = policy_with("{}")
    assert load_policy(text, "a").digest == load_policy(text, "b").digest
    assert load_policy(text + "\n# changed\n", "a").digest != load_policy(text, "a").digest
