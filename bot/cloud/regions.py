"""Gateways in several regions: one adapter per region, and which region holds a gateway.

``SGBOT_REGIONS`` lists the regions served, the first the default. Each region's endpoints
follow the products' public pattern (``mse.<region>.aliyuncs.com`` …) unless the environment
names one for that product and region (``SGBOT_MSE_ENDPOINT_CN_SHANGHAI``: a VPC endpoint);
the unsuffixed ``SGBOT_MSE_ENDPOINT`` applies to the default region only. MSE and CS requests
carry no region (only the endpoint host does), so a region's calls must go to its own
endpoints. ``RegionalClouds`` builds a region's adapter on first use and reuses it.
``locate_gateway`` finds a gateway id in whichever region holds it, looks a name up in every
region and refuses, with the choices, a name found in several.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence

from bot.catalogue import say
from bot.cloud.port import CloudPort, Gateway
from bot.cloud.resolve import find_gateway
from bot.settings import Settings
from vocabulary.commands import REGION_RE, GatewayRef
from vocabulary.errors import InvalidInput, NotFound

PRODUCTS = ("mse", "ecs", "cs")


def is_region(text: str) -> bool:
    return REGION_RE.fullmatch(text) is not None


def override_name(product: str, region: str) -> str:
    """``SGBOT_MSE_ENDPOINT_CN_SHANGHAI`` for ``("mse", "cn-shanghai")``."""
    return f"SGBOT_{product.upper()}_ENDPOINT_{region.upper().replace('-', '_')}"


def regional_settings(settings: Settings, region: str, environ: Mapping[str, str]) -> Settings:
    """``settings`` for one region: its id, and its endpoints (override, default, or public)."""
    default = settings.served_regions[0]
    update: dict[str, object] = {"region_id": region}
    for product in PRODUCTS:
        field = f"{product}_endpoint"
        own = environ.get(override_name(product, region))
        update[field] = own or (getattr(settings, field) if region == default else None)
    return settings.model_copy(update=update)


class RegionalClouds:
    """A ``CloudPort`` per served region, built by ``build(region)`` on first use."""

    def __init__(self, regions: Sequence[str], build: Callable[[str], CloudPort]) -> None:
        if not regions:
            raise ValueError("at least one region")
        self.regions = tuple(regions)
        self._build = build
        self._built: dict[str, CloudPort] = {}

    @property
    def default(self) -> str:
        return self.regions[0]

    def get(self, region: str) -> CloudPort:
        if region not in self.regions:
            served = ", ".join(self.regions)
            raise InvalidInput(say("doctor.region_unserved", region=region, served=served))
        if region not in self._built:
            self._built[region] = self._build(region)
        return self._built[region]


async def locate_gateway(
    clouds: RegionalClouds, ref: GatewayRef, region: str | None = None
) -> tuple[CloudPort, Gateway]:
    """The gateway ``ref`` names and its region's adapter; ``region`` limits the search."""
    if region is not None:
        cloud = clouds.get(region)
        return cloud, await find_gateway(cloud, ref)
    if ref.is_unique_id:
        for each in clouds.regions:
            cloud = clouds.get(each)
            try:
                return cloud, await find_gateway(cloud, ref)
            except NotFound:
                continue
        raise NotFound(
            say("cloud.no_gateway_id", gateway=ref.value, region=", ".join(clouds.regions))
        )
    found = await asyncio.gather(
        *(clouds.get(each).find_gateways_by_name(ref.value) for each in clouds.regions)
    )
    hits = [
        (each, g.unique_id)
        for each, listed in zip(clouds.regions, found, strict=True)
        for g in listed
        if g.name == ref.value
    ]
    held = list(dict.fromkeys(each for each, _ in hits))
    if len(held) > 1:
        choices = ", ".join(f"`gateway {ref.value} in {each}` ({gid})" for each, gid in hits)
        raise InvalidInput(say("doctor.region_several", gateway=repr(ref.value), choices=choices))
    if not held:
        raise NotFound(
            say(
                "cloud.no_gateway_name",
                gateway=repr(ref.value),
                region=", ".join(clouds.regions),
            )
        )
    cloud = clouds.get(held[0])
    return cloud, await find_gateway(cloud, ref)
