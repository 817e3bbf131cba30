"""How a ``check`` answer looks: the verdict, each endpoint's ports, the causes, the blind spots.

``check_message`` is pure. Every name from the cloud or from the person is escaped. Each
authorization sgbot made names the request and who asked for it (``requesters`` maps request
ids to Slack user ids). When access is missing, one "Request the missing access" button per
pre-filled request carries only the id of that request stored as a reading in Redis; clicking
opens the request form filled in, which then goes through the normal approval.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.catalogue import say
from bot.cloud.doctor_model import Diagnosis, EndpointCheck, PortCheck
from handlers.block_parts import Block, Message, actions, button, context, message, section
from handlers.ids import ActionId, BlockId
from handlers.mrkdwn import code, escape

ENDPOINTS_SHOWN = 20
_LINE_LIMIT = 400


def check_message(
    diagnosis: Diagnosis,
    requesters: Mapping[str, str],
    prefills: Sequence[tuple[str, str]],
    *,
    emulated: bool,
) -> Message:
    """The answer to ``check``; ``prefills`` are (what it asks for, reading id) pairs."""
    gateway = diagnosis.gateway
    icon = ":white_check_mark:" if diagnosis.reachable else ":no_entry:"
    title = say(
        "doctor.title.region" if diagnosis.region_id else "doctor.title",
        icon=icon,
        verdict=escape(diagnosis.verdict),
        gateway=code(gateway.name),
        gateway_id=code(gateway.unique_id),
        group=code(gateway.security_group_id),
        region=escape(diagnosis.region_id),
        target=code(diagnosis.target, 200),
        ports=escape(_ports(diagnosis)),
    )
    blocks: list[Block] = [section(title)]
    lines = [_endpoint(e, requesters) for e in diagnosis.endpoints[:ENDPOINTS_SHOWN]]
    # A section holds 3000 characters: a few endpoints each, so none is cut off unseen.
    blocks += [section("\n".join(lines[i : i + 4])) for i in range(0, len(lines), 4)]
    hidden = len(diagnosis.endpoints) - ENDPOINTS_SHOWN
    if hidden > 0:
        blocks.append(context(say("doctor.more", hidden=hidden)))
    if diagnosis.causes:
        causes = [
            say(
                "doctor.cause",
                kind=say(f"doctor.kind.{c.kind.value}"),
                text=escape(c.text, _LINE_LIMIT),
            )
            for c in diagnosis.causes
        ]
        blocks.append(section(say("doctor.why", causes="\n".join(causes))))
    notes = [escape(n, _LINE_LIMIT) for n in diagnosis.notes]
    blind = [escape(c, _LINE_LIMIT) for c in diagnosis.cannot_see]
    if notes:
        blocks.append(context(*notes))
    blocks.append(context(say("doctor.not_seen", items="; ".join(blind))))
    if prefills:
        buttons = [
            button(say("doctor.request_missing", label=label), ActionId.REQUEST_MISSING, reading_id)
            for label, reading_id in prefills[:5]
        ]
        blocks.append(actions(buttons, block_id=BlockId.CHECK_MISSING))
    fallback = escape(
        say(
            "doctor.fallback",
            verdict=diagnosis.verdict,
            gateway=gateway.name,
            target=f"`{diagnosis.target}`",
        ),
        300,
    )
    return message(fallback, blocks, emulated=emulated)


def _ports(diagnosis: Diagnosis) -> str:
    return ", ".join(str(p) for p in diagnosis.ports) or say("doctor.no_ports")


def _endpoint(check: EndpointCheck, requesters: Mapping[str, str]) -> str:
    endpoint = check.endpoint
    groups = ", ".join(endpoint.group_ids) or say("doctor.no_group")
    return say(
        "doctor.endpoint.ip" if endpoint.ip else "doctor.endpoint",
        mark=":no_entry:" if check.blocked else ":white_check_mark:",
        ip=escape(endpoint.ip or ""),
        via=escape(endpoint.via, 200),
        groups=escape(groups, 200),
        ports="; ".join(_port(p, requesters) for p in check.ports),
    )


def _port(check: PortCheck, requesters: Mapping[str, str]) -> str:
    why = escape(check.why, 200)
    if check.request_id:
        asker = requesters.get(check.request_id)
        why = say(
            "doctor.port.asked_by" if asker else "doctor.port.asked",
            why=why,
            request_id=code(check.request_id),
            asker=f"<@{asker}>",
        )
    key = "doctor.port.covered" if check.covered else "doctor.port.blocked"
    return say(key, ports=check.ports, why=why)
