"""The adapters of every served region, as a serving process or a worker builds them.

The default region's adapter is the one the process already has; each further region's is
built on first use from ``regional_settings`` (its own endpoints). An emulated cloud must never
reach Alibaba Cloud, so with it every further region needs its endpoints named
(``SGBOT_MSE_ENDPOINT_<REGION>`` …); start-up stops otherwise.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Mapping

from bot.cloud.port import CloudPort
from bot.cloud.regions import PRODUCTS, RegionalClouds, override_name, regional_settings
from bot.settings import Settings
from vocabulary.errors import ConfigError


def check_emulated_regions(settings: Settings, environ: Mapping[str, str] = os.environ) -> None:
    """Refuse an emulated cloud whose further regions would fall back to public endpoints."""
    for region in settings.served_regions[1:]:
        for product in PRODUCTS:
            name = override_name(product, region)
            if not environ.get(name):
                raise ConfigError(
                    f"{name}: missing; with an emulated cloud every region of SGBOT_REGIONS "
                    "after the first needs its emulator endpoints"
                )


def served_clouds(
    settings: Settings,
    default: CloudPort,
    build: Callable[[Settings], CloudPort],
    environ: Mapping[str, str] = os.environ,
) -> RegionalClouds:
    """``default`` for the first served region, ``build(regional settings)`` for the others."""
    regions = settings.served_regions

    def for_region(region: str) -> CloudPort:
        if region == regions[0]:
            return default
        return build(regional_settings(settings, region, environ))

    return RegionalClouds(regions, for_region)


def command_clouds(
    settings: Settings, cloud_for: Callable[[Settings], CloudPort]
) -> RegionalClouds:
    """Every served region's cloud for a worker or a tool, each built by ``cloud_for``
    (``bot.deps.cloud_for``: with ``SGBOT_CLOUD=emulator`` the emulator the endpoints name,
    never one started here); the default region's built now."""
    settings = settings.model_copy(update={"region_id": settings.served_regions[0]})
    if settings.cloud == "emulator":
        check_emulated_regions(settings)
    return served_clouds(settings, cloud_for(settings), cloud_for)


async def serving_clouds(
    settings: Settings, emulated: bool, emulator_cloud: Callable[..., CloudPort]
) -> tuple[RegionalClouds, RegionalClouds]:
    """Every served region's adapters for the worker, and for people's lookups with threads of
    their own; the default region's are built (and the credentials tried) now."""
    from approvals.lookups import QUERY_THREADS
    from bot.cloud.factory import CloudTuning, build_cloud

    settings = settings.model_copy(update={"region_id": settings.served_regions[0]})
    queries = CloudTuning(max_concurrency=QUERY_THREADS)
    work: Callable[[Settings], CloudPort]
    ask: Callable[[Settings], CloudPort]
    if emulated:
        check_emulated_regions(settings)
        work, ask = emulator_cloud, (lambda s: emulator_cloud(s, queries))
    else:
        credential = await checked_credential()
        work = lambda s: build_cloud(s, credential=credential)  # noqa: E731
        ask = lambda s: build_cloud(s, credential=credential, tuning=queries)  # noqa: E731
    return (
        served_clouds(settings, work(settings), work),
        served_clouds(settings, ask(settings), ask),
    )


async def checked_credential() -> object:
    """The default credentials chain, asked for a credential now so a bad setup fails early."""
    from bot.cloud.factory import default_credential, fetch_credential

    credential = default_credential()
    try:
        await asyncio.to_thread(fetch_credential, credential)
    except Exception as exc:
        raise ConfigError(
            "Alibaba Cloud credentials: none usable "
            f"({str(exc).splitlines()[0][:200]}); set ALIBABA_CLOUD_ACCESS_KEY_ID and "
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET (or another credentials-chain source), "
            "or run with --emulated-cloud"
        ) from None
    return credential
