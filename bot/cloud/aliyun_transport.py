"""How the adapter talks to the SDK: calls on a bounded thread pool, reads retried.

``SdkCaller`` wraps every SDK call: it runs the SDK's blocking form on its own pool of
``max_concurrency`` threads, checks MSE's HTTP-200 failure envelope, turns SDK exceptions into
``vocabulary.errors`` (via ``aliyun_errors``) and retries reads on throttling and transient failures
with ``RetryPolicy`` — the SDK's own per-call retry switch is ignored in this SDK generation.
Writes are sent exactly once. This module also builds the SDK clients (without SDK-level
retries) and credentials; it is imported only by the factory.

Why threads and not the SDK's ``*_async`` methods: the async transport opens a new aiohttp
session for every call and, over HTTPS, builds a new SSL context and loads the CA bundle each
time (tens of milliseconds of CPU, on the event loop, then a fresh TLS handshake). The blocking
transport keeps one pooled ``requests`` session per endpoint, so connections and TLS sessions
are reused, and what work remains happens off the event loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

from alibabacloud_cs20151215.client import Client as CsClient
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_mse20190531.client import Client as MseClient
from alibabacloud_tea_openapi.utils_models import Config
from darabonba.runtime import RuntimeOptions

from bot.cloud.aliyun_errors import SDK_ERRORS, check_envelope, translate
from bot.cloud.retry import RetryPolicy
from vocabulary.errors import CloudError

logger = logging.getLogger(__name__)

_CAUGHT: tuple[type[BaseException], ...] = (CloudError, *SDK_ERRORS)

SdkCall = Callable[..., Any]


class SdkCaller:
    """Sends SDK calls; replies come back as wire-named dicts (``to_map()``)."""

    def __init__(self, retry: RetryPolicy, max_concurrency: int) -> None:
        self._retry = retry
        # One thread per call in flight: the pool is the concurrency bound.
        self._pool = ThreadPoolExecutor(max_concurrency, thread_name_prefix="sdk")

    async def read(self, service: str, action: str, call: SdkCall, *args: Any) -> dict[str, Any]:
        """Send; on a transient failure wait (server hint first) and send again, up to a bound."""
        retry = 0
        while True:
            try:
                return await self._send(service, action, call, *args)
            except _CAUGHT as exc:
                error, hint = translate(exc, service, action)
                if not error.transient or retry + 1 >= self._retry.attempts:
                    raise _chained(error, exc) from None
                logger.warning(
                    "retrying %s %s after %s (retry %d)", service, action, error.code, retry + 1,
                    extra={"cloud_request_id": error.request_id},
                )  # fmt: skip
                await self._retry.pause(retry, hint)
                retry += 1

    async def write(self, service: str, action: str, call: SdkCall, *args: Any) -> dict[str, Any]:
        """Send exactly once: a write that timed out may have happened, so the caller decides."""
        try:
            return await self._send(service, action, call, *args)
        except _CAUGHT as exc:
            error, _ = translate(exc, service, action)
            raise _chained(error, exc) from None

    async def _send(self, service: str, action: str, call: SdkCall, *args: Any) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        try:
            response = await loop.run_in_executor(
                self._pool, partial(call, *args, RuntimeOptions())
            )
            if service == "mse":
                check_envelope(response.body, service, action)
        except _CAUGHT as exc:
            error, _ = translate(exc, service, action)
            _log_call(service, action, error.request_id, error.code or type(exc).__name__)
            raise
        body: dict[str, Any] = response.body.to_map()
        if service == "cs":
            # ROA replies carry the request id in a header, not in the JSON body.
            body.setdefault("RequestId", (response.headers or {}).get("x-acs-request-id"))
        _log_call(service, action, body.get("RequestId"), None)
        return body


def _log_call(service: str, action: str, request_id: object, error: str | None) -> None:
    """One line per cloud call, with the cloud's request id as a field for the JSON logs."""
    cloud_request_id = str(request_id) if request_id else None
    extra = {"cloud_request_id": cloud_request_id, "cloud_action": action}
    if error is None:
        logger.info(
            "cloud %s %s answered (request %s)", service, action, cloud_request_id, extra=extra
        )
    else:
        logger.info(
            "cloud %s %s failed with %s (request %s)", service, action, error, cloud_request_id,
            extra=extra,
        )  # fmt: skip


def _chained(error: CloudError, cause: BaseException) -> CloudError:
    if error is not cause:
        error.__cause__ = cause
    return error


@dataclass(frozen=True)
class SdkClients:
    mse: MseClient
    ecs: EcsClient
    cs: CsClient


@dataclass(frozen=True)
class ClientSettings:
    """Where and how the three SDK clients connect: ``endpoints`` by service (mse, ecs, cs)."""

    region_id: str
    endpoints: Mapping[str, str]
    protocol: str
    credential: Any
    connect_timeout_ms: int
    read_timeout_ms: int


def build_clients(settings: ClientSettings) -> SdkClients:
    """The three clients, without SDK-level retries so a write is never repeated unseen."""

    def config(service: str) -> Config:
        return Config(
            credential=settings.credential,
            region_id=settings.region_id,
            endpoint=settings.endpoints[service],
            protocol=settings.protocol,
            connect_timeout=settings.connect_timeout_ms,
            read_timeout=settings.read_timeout_ms,
            retry_options=None,
        )

    return SdkClients(
        mse=MseClient(config("mse")), ecs=EcsClient(config("ecs")), cs=CsClient(config("cs"))
    )


def static_credential(access_key_id: str, access_key_secret: str) -> Any:
    """A fixed AccessKey credential (tests and one-off tools; production uses the default chain)."""
    from alibabacloud_credentials.client import Client as CredentialClient
    from alibabacloud_credentials.models import Config as CredentialConfig

    config = CredentialConfig(
        type="access_key", access_key_id=access_key_id, access_key_secret=access_key_secret
    )
    return CredentialClient(config)


def default_credential() -> Any:
    """The SDK's default chain: env keys, RRSA/OIDC, CLI profile, file, ECS RAM role, URI."""
    from alibabacloud_credentials.client import Client as CredentialClient

    return CredentialClient()
