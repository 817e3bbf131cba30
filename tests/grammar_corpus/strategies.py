"""Hypothesis strategies for everyday phrasings of requests, with what a reader must infer.

The phrasings are built from the words people use, independently of how the reader works;
``everyday_requests`` gives an ``authorize`` with the text and the inferences expected, and
``guessed_changes`` only changes a reader can reach by guessing, for the store property.
"""

from __future__ import annotations

import difflib
from datetime import timedelta

from hypothesis import strategies as st

from bot.grammar.lexicon import NOT_NAMES, PHRASES, SUGGESTIONS
from bot.grammar.usage import KEYWORDS
from vocabulary.commands import MAX_PORT, Authorize, GatewayRef, PortRange, ServiceTarget

LEXICON_WORDS = frozenset(word for key in PHRASES for word in key)


def _plain_name(name: str) -> bool:
    """A name a person could give a gateway or service that no reader could take for a word."""
    return (
        name not in LEXICON_WORDS
        and name not in KEYWORDS
        and name not in NOT_NAMES
        and not difflib.get_close_matches(name, SUGGESTIONS, n=1, cutoff=0.8)
        and not name.startswith(("sg-", "i-", "req-", "gw-"))
    )


plain_names = st.from_regex(r"[a-z][a-z0-9]{1,8}(-[a-z0-9]{1,6})?", fullmatch=True).filter(
    _plain_name
)
single_ports = st.integers(1, MAX_PORT)


@st.composite
def everyday_requests(draw: st.DrawFn) -> tuple[str, Authorize, frozenset[str]]:
    """An ``authorize`` of a service, phrased as people type it, with what must be inferred."""
    gateway, service = draw(plain_names), draw(plain_names)
    namespace = draw(st.none() | plain_names)
    port = draw(single_ports)
    hours = draw(st.none() | st.integers(1, 48))
    reason = draw(st.none() | st.sampled_from(["load test", "incident 42", "压测"]))
    positional = draw(st.booleans())
    chinese = draw(st.booleans())
    if chinese:
        roles = (gateway, service) if positional else (f"网关 {gateway}", f"服务 {service}")
        words = [draw(st.sampled_from(["", "请", "帮我"])), draw(st.sampled_from(["授权", "开通"]))]
        words += [roles[0], "访问", roles[1]]
        words += [f"命名空间 {namespace}"] if namespace else []
        words += [draw(st.sampled_from([f"端口 {port}", f"的 {port} 端口", f"端口{port}"]))]
        words += [f"持续{hours}小时"] if hours else []
        words += [f"因为 {reason}"] if reason else []
    else:
        to = draw(st.sampled_from(["to", "->", "to reach", "access to"]))
        gw = gateway if positional else draw(st.sampled_from(["gateway", "gw"])) + f" {gateway}"
        svc = service if positional else draw(st.sampled_from(["service", "svc"])) + f" {service}"
        words = [draw(st.sampled_from(["", "please", "hey sgbot,", "can you"]))]
        words += [draw(st.sampled_from(["authorize", "authorise", "allow", "grant", "give"]))]
        words += [gw, to, svc]
        words += (
            [draw(st.sampled_from([f"in namespace {namespace}", f"in ns {namespace}"]))]
            if (namespace)
            else []
        )
        words += [draw(st.sampled_from([f"on {port}", f"port {port}", f"on tcp/{port}"]))]
        words += [draw(st.sampled_from([f"for {hours}h", f"for {hours} hours"]))] if hours else []
        words += [f"because {reason}"] if reason else []
        words += [draw(st.sampled_from(["", "thanks", "?", "please"]))] if not reason else []
    command = Authorize(
        gateway=GatewayRef(value=gateway),
        target=ServiceTarget(name=service, namespace=namespace),
        ports=(PortRange(start=port, end=port),),
        duration=timedelta(hours=hours) if hours else None,
        reason=reason,
    )
    inferred = frozenset({"role"}) if positional else frozenset()
    return " ".join(word for word in words if word), command, inferred


CHINESE_NAMES = ("生产", "订单", "支付", "搜索", "用户中心", "商城")


@st.composite
def guessed_changes(draw: st.DrawFn) -> str:
    """A change request sgbot can read only by guessing part of it."""
    gateway, service, port = draw(plain_names), draw(plain_names), draw(single_ports)
    chinese_gateway, chinese_service = (
        draw(st.sampled_from(CHINESE_NAMES)),
        draw(st.sampled_from(CHINESE_NAMES)),
    )
    shapes = [
        f"please authorize {gateway} to {service} on {port}",
        f"allow {gateway} to reach {service} on port {port}",
        f"grant {gateway} -> {service}:{port}",
        f"close port {port} from gateway {gateway} to service {service}",
        f"remove access from gateway {gateway} to service {service} on {port}",
        f"temporarily authorize gateway {gateway} to service {service} on {port}",
        f"revoke {gateway} from {service} on {port}",
        f"授权 {gateway} 访问 {service} 端口 {port}",
        f"授权网关{chinese_gateway}访问服务{chinese_service}端口{port}",
        "close REQ-7F3K2",
    ]
    return draw(st.sampled_from(shapes))
