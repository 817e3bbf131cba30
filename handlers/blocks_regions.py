"""``list rules`` without a gateway: every served region's gateways and their rules, by region."""

from __future__ import annotations

from collections.abc import Sequence

from approvals.lookups import GatewayRules
from bot.catalogue import say
from handlers.block_parts import Block, Message, context, header, message, section
from handlers.mrkdwn import chunk_lines, code

NAME_LIMIT = 60


def _gateway_line(gateway: GatewayRules) -> str:
    name = f"{code(gateway.name, NAME_LIMIT)} ({code(gateway.unique_id)})"
    return say("region.gateway_rules", gateway=name, count=gateway.count, owned=gateway.owned)


def regions_overview(
    overview: Sequence[tuple[str, Sequence[GatewayRules]]], *, emulated: bool
) -> Message:
    """One section per region (the default first), a line per gateway, then how to see more."""
    regions = ", ".join(code(region) for region, _ in overview)
    blocks: list[Block] = [header(say("region.rules_title"))]
    for region, gateways in overview:
        lines = [say("region.section", region=code(region))]
        lines += [_gateway_line(g) for g in gateways] or [
            say("region.no_gateways", region=code(region))
        ]
        blocks.extend(section(chunk) for chunk in chunk_lines(lines))
    blocks.append(context(say("region.rules_hint")))
    return message(say("region.rules_fallback", regions=regions), blocks, emulated=emulated)
