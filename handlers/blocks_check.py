"""How a ``check`` answer looks: the verdict, each endpoint's ports, the causes, the blind spots.

``check_message`` is pure. Every name from the cloud or from the person is escaped. Each
authorization sgbot made names the request and who asked for it (``requesters`` maps request
ids to Slack user ids). When access is missing, one "Request the missing access" button per
pre-filled request carries only the id of that request stored as a reading in Redis; clicking
opens the request form filled in, which then goes through the normal approval.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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
    title = (
        f"{icon} *{escape(diagnosis.verdict)}*: gateway {code(gateway.name)} "
        f"({code(gateway.unique_id)}, group {code(gateway.security_group_id)}"
        f"{', ' + escape(diagnosis.region_id) if diagnosis.region_id else ''}) to "
        f"{code(diagnosis.target, 200)} on {escape(_ports(diagnosis))}"
    )
    blocks: list[Block] = [section(title)]
    lines = [_endpoint(e, requesters) for e in diagnosis.endpoints[:ENDPOINTS_SHOWN]]
    # A section holds 3000 characters: a few endpoints each, so none is cut off unseen.
    blocks += [section("\n".join(lines[i : i + 4])) for i in range(0, len(lines), 4)]
    hidden = len(diagnosis.endpoints) - ENDPOINTS_SHOWN
    if hidden > 0:
        blocks.append(context(f"…and {hidden} more endpoints (`sgbot check` prints them all)"))
    if diagnosis.causes:
        causes = [
            f"• *{c.kind.value.replace('_', ' ')}*: {escape(c.text, _LINE_LIMIT)}"
            for c in diagnosis.causes
        ]
        blocks.append(section("*Why*\n" + "\n".join(causes)))
    notes = [escape(n, _LINE_LIMIT) for n in diagnosis.notes]
    blind = [escape(c, _LINE_LIMIT) for c in diagnosis.cannot_see]
    if notes:
        blocks.append(context(*notes))
    blocks.append(context("Not seen: " + "; ".join(blind)))
    if prefills:
        buttons = [
            button(f"Request the missing access: {label}", ActionId.REQUEST_MISSING, reading_id)
            for label, reading_id in prefills[:5]
        ]
        blocks.append(actions(buttons, block_id=BlockId.CHECK_MISSING))
    fallback = escape(f"{diagnosis.verdict}: {gateway.name} to {diagnosis.target}", 300)
    return message(fallback, blocks, emulated=emulated)


def _ports(diagnosis: Diagnosis) -> str:
    return ", ".join(str(p) for p in diagnosis.ports) or "no ports"


def _endpoint(check: EndpointCheck, requesters: Mapping[str, str]) -> str:
    endpoint = check.endpoint
    where = f"{endpoint.ip} → " if endpoint.ip else ""
    groups = ", ".join(endpoint.group_ids) or "no group"
    ports = "; ".join(_port(p, requesters) for p in check.ports)
    mark = ":no_entry:" if check.blocked else ":white_check_mark:"
    return f"{mark} {escape(f'{where}{endpoint.via} ({groups})', 200)}: {ports}"


def _port(check: PortCheck, requesters: Mapping[str, str]) -> str:
    state = "covered" if check.covered else "*not covered*"
    text = f"{check.ports} {state} ({escape(check.why, 200)}"
    if check.request_id:
        asker = requesters.get(check.request_id)
        text += f", asked for in {code(check.request_id)}"
        text += f" by <@{asker}>" if asker else ""
    return text + ")"
