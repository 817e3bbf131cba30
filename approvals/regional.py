"""Which region a change request works in: the one that holds its gateway.

A gateway id is found in whichever served region holds it, a name in every region (one in
several is refused with the choices), and ``in <region>`` after the gateway limits the search
(``bot.cloud.regions.locate_gateway``). Revoking an earlier request works in that request's
region. The request then records the region, and every later read and write of it (apply,
retries, the grant's end, recovery) goes to that region's adapter only (``JobContext.cloud_for``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cloud.port import CloudPort
from bot.cloud.regions import locate_gateway
from vocabulary.commands import RevokeRequest

if TYPE_CHECKING:
    from approvals.job_context import JobContext
    from approvals.model import Request


async def gateway_cloud(ctx: JobContext, request: Request) -> CloudPort:
    """The adapter of the region holding ``request``'s gateway."""
    command = request.command
    if isinstance(command, RevokeRequest):
        return ctx.cloud_for(await ctx.store.require(command.request_id))
    regional = ctx.regional
    if command.region is not None or len(regional.regions) == 1:
        # Nothing to search: resolution finds the gateway there (or says it is not there).
        return regional.get(command.region or regional.default)
    cloud, _gateway = await locate_gateway(regional, command.gateway)
    return cloud
