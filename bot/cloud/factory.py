"""Building the cloud adapter from settings: the only way the rest of sgbot gets a ``CloudPort``.

The SDK and the credentials package are imported inside these functions, never when this
module is imported: the credentials package reads ``ALIBABA_CLOUD_*`` at import time, and the
CLI must start without pulling in three SDKs. ``default_credential`` and ``fetch_credential``
are the public door to the credentials chain for start-up checks. ``CloudTuning`` holds what
operators rarely change and tests often do (timeouts, concurrency, the retry policy with its
sleep and RNG).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, cast

from bot.cloud.port import CloudPort
from bot.cloud.retry import RetryPolicy
from bot.settings import Settings


@dataclass(frozen=True)
class CloudTuning:
    """Timeouts in milliseconds; ``max_concurrency`` bounds in-flight requests per adapter.

    One resolution puts up to 4 reads in flight in its widest round plus one per backend group
    (their inbound rules, beside DescribeSecurityGroups), and the worker resolves and applies
    several requests at once; 16 keeps those rounds parallel. The SDK's pooled transport keeps
    up to 40 connections per host, so every thread reuses one.
    """

    connect_timeout_ms: int = 3000
    read_timeout_ms: int = 10000
    max_concurrency: int = 16
    retry: RetryPolicy = field(default_factory=RetryPolicy)


def endpoints_for(settings: Settings) -> dict[str, str]:
    """Each product's endpoint: the setting if given (e.g. a VPC endpoint), else the public one."""
    region = settings.region_id
    return {
        "mse": settings.mse_endpoint or f"mse.{region}.aliyuncs.com",
        "ecs": settings.ecs_endpoint or f"ecs.{region}.aliyuncs.com",
        "cs": settings.cs_endpoint or f"cs.{region}.aliyuncs.com",
    }


def build_cloud(
    settings: Settings, *, credential: object | None = None, tuning: CloudTuning | None = None
) -> CloudPort:
    """The Alibaba Cloud adapter; ``credential`` None means the SDK's default credential chain."""
    from bot.cloud import aliyun
    from bot.cloud.aliyun_transport import ClientSettings

    tuning = tuning or CloudTuning()
    clients = ClientSettings(
        region_id=settings.region_id,
        endpoints=endpoints_for(settings),
        protocol=settings.cloud_protocol,
        credential=credential if credential is not None else default_credential(),
        connect_timeout_ms=tuning.connect_timeout_ms,
        read_timeout_ms=tuning.read_timeout_ms,
    )
    return aliyun.build_aliyun_cloud(
        clients, retry=tuning.retry, max_concurrency=tuning.max_concurrency
    )


def static_credential(access_key_id: str, access_key_secret: str) -> object:
    """A fixed AccessKey pair as an SDK credential, for tests and local tools."""
    from bot.cloud import aliyun_transport

    return aliyun_transport.static_credential(access_key_id, access_key_secret)


class _CredentialSource(Protocol):
    """What the SDK's credential clients offer: keys fetched (or refreshed) on demand."""

    def get_credential(self) -> object: ...


def default_credential() -> object:
    """The SDK's default chain: env keys, RRSA/OIDC, CLI profile, file, ECS RAM role, URI."""
    from bot.cloud import aliyun_transport

    credential: object = aliyun_transport.default_credential()
    return credential


def fetch_credential(credential: object) -> None:
    """Ask ``credential`` for keys now, so a bad setup fails at start-up rather than on the
    first approval. Blocking (a chain may call a metadata service); raises what the SDK raises."""
    cast(_CredentialSource, credential).get_credential()
