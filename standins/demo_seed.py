"""The demo's starting estate beyond the emulator's: access that is only half there.

The search service runs on both node pools of ``prod-ack``, but only the ``web`` pool's group
lets the gateway in on 9200, as if someone had authorized it by hand in the console. So
``/sg check gateway prod-gw in cn-hangzhou to service search in default`` has something to
find: two of four endpoints blocked, and a pre-filled request for exactly the other pool's
groups.
"""

from __future__ import annotations

import asyncio

PROD_GW_ID = "gw-5f0c6a1e2b3d4c5e8f9a0b1c2d3e4f50"
HALF_AUTHORIZED = ("sg-ackpoola01", 9200)
CHECK_EXAMPLE = "check gateway prod-gw in cn-hangzhou to service search in default"
SEEDED_DESCRIPTION = "search, web pool only (made in the console)"


def seed_partial_access(
    emulator_url: str, region_id: str, access_key_id: str, access_key_secret: str
) -> None:
    """One MSE authorization in the emulator, through the same adapter the bot uses."""
    from bot.cloud.factory import build_cloud, static_credential
    from bot.settings import load_settings
    from vocabulary.commands import PortRange

    endpoint = emulator_url.removeprefix("http://")
    settings = load_settings(
        SGBOT_MSE_ENDPOINT=endpoint,
        SGBOT_ECS_ENDPOINT=endpoint,
        SGBOT_CS_ENDPOINT=endpoint,
        SGBOT_CLOUD_PROTOCOL="http",
        ALIBABA_CLOUD_REGION_ID=region_id,
    )
    cloud = build_cloud(settings, credential=static_credential(access_key_id, access_key_secret))
    group_id, port = HALF_AUTHORIZED
    ports = PortRange(start=port, end=port)
    asyncio.run(cloud.add_rule(PROD_GW_ID, group_id, ports, SEEDED_DESCRIPTION))
