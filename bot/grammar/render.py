"""Typed command to canonical chat text, the inverse of ``parse_command``.

The output uses the long form of every command, double-quotes any value the tokenizer would
otherwise split or read as a keyword, and escapes ``&``, ``<`` and ``>`` as Slack does, so
``parse_command(render_command(command)) == command`` for every command the parser produces.
"""

from __future__ import annotations

from typing import assert_never

from bot.grammar.clauses import REASON_PREFIX
from bot.grammar.text import QUOTES, escape_slack, quote
from bot.grammar.usage import KEYWORDS
from bot.grammar.values import split_reason
from vocabulary.commands import (
    MAX_PORT,
    Authorize,
    Cancel,
    Check,
    ClusterTarget,
    Command,
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
    SecurityGroupsTarget,
    SecurityGroupTarget,
    ServiceTarget,
    Status,
    Target,
)
from vocabulary.durations import format_duration


def render_command(command: Command) -> str:
    return escape_slack(" ".join(_words(command)))


def _in(region: str | None) -> list[str]:
    """``in cn-shanghai`` after the gateway when a region was named."""
    return ["in", region] if region else []


def _words(command: Command) -> list[str]:
    match command:
        case Authorize():
            words = ["authorize", "gateway", _value(command.gateway.value), *_in(command.region)]
            words += ["to", _target(command.target), "on", _ports(command.ports)]
            if command.duration is not None:
                words += ["for", format_duration(command.duration)]
            if command.reason is not None:
                words += ["because", _reason(command.reason)]
            return words
        case RevokeTarget():
            words = ["revoke", "gateway", _value(command.gateway.value), *_in(command.region)]
            return [*words, "from", _target(command.target), "on", _ports(command.ports)]
        case RevokeRule():
            words = ["revoke", "rule", str(command.rule_id), "on", "gateway"]
            words += [_value(command.gateway.value), *_in(command.region)]
            return [*words, "keep backend rule"] if command.keep_backend_rule else words
        case RevokeRequest():
            return ["revoke", command.request_id]
        case ListRules():
            if command.gateway is None:
                return ["list", "rules"]
            words = ["list", "rules", "for", "gateway", _value(command.gateway.value)]
            return [*words, *_in(command.region)]
        case Check():
            words = ["check", "gateway", _value(command.gateway.value), *_in(command.region)]
            words.append("to")
            words.append(_target(command.target))
            return [*words, "on", _ports(command.ports)] if command.ports else words
        case ListPending():
            return ["list", "pending"]
        case Status():
            return ["status", command.request_id]
        case Cancel():
            return ["cancel", command.request_id]
        case History():
            if command.gateway is None:
                return ["history"]
            return ["history", "gateway", _value(command.gateway.value)]
        case Help():
            return ["help"]
        case _:
            assert_never(command)


def _value(text: str, *, keep_dots: bool = False) -> str:
    """``text`` bare when it reads back as one non-keyword token, else quoted."""
    lowered = text.lower()
    needs_quotes = (
        lowered in KEYWORDS
        or lowered.startswith(REASON_PREFIX)
        or any(char.isspace() or char in QUOTES or char == "\\" for char in text)
        or (keep_dots and "." in text)
    )
    return quote(text) if needs_quotes else text


def render_target(target: Target) -> str:
    """A target as the words after ``to`` (``service orders in shop``, ``sg-…``)."""
    return _target(target)


def _target(target: Target) -> str:
    match target:
        case ServiceTarget():
            name = _value(target.name, keep_dots=True)
            if target.namespace is None:
                return f"service {name}"
            return f"service {name} in {_value(target.namespace)}"
        case SecurityGroupTarget():
            return target.security_group_id
        case SecurityGroupsTarget():
            return ", ".join(target.security_group_ids)
        case InstanceTarget():
            return f"instance {target.instance_id}"
        case ClusterTarget():
            return f"cluster {_value(target.cluster_id)}"
        case NodePoolTarget():
            return f"nodepool {_value(target.nodepool_id)} in cluster {_value(target.cluster_id)}"
        case _:
            assert_never(target)


def _ports(ports: tuple[PortRange, ...]) -> str:
    if ports == (PortRange(start=1, end=MAX_PORT),):
        return "all"
    return ",".join(str(port_range) for port_range in ports)


def _reason(reason: str) -> str:
    # Free text reads back as typed unless it would lose its quotes or its tail looked
    # like a duration; only then is it quoted.
    return reason if split_reason(reason) == (reason, None) else quote(reason)
