"""What every listener, the deliverer and the health check receive: one ``Deps``.

It is built once per serving process by ``bot.deps.open_deps``; the Slack surface only reads
it, so it lives here, below the entry that builds it.
"""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient

from approvals.clock import Clock
from approvals.connect import RedisClient
from approvals.drift_desk import DriftDesk
from approvals.job_context import JobContext
from approvals.keys import Keys
from approvals.lookups import CloudLookups
from approvals.outbox import Outbox
from approvals.service import Service
from approvals.store import RequestStore
from bot.metrics import Metrics
from bot.settings import Settings
from handlers.approvers import ApproverDirectory


@dataclass
class Deps:
    settings: Settings
    redis: RedisClient
    keys: Keys
    store: RequestStore
    outbox: Outbox
    service: Service
    drift: DriftDesk  # what a drift item's buttons do, and where its message is
    lookups: CloudLookups
    jobs: JobContext  # what this process's worker and drift watch run on
    clock: Clock
    slack: AsyncWebClient
    approvers: ApproverDirectory
    metrics: Metrics
    bot_user_id: str
    emulated: bool

    @property
    def cloud_label(self) -> str:
        return "emulator" if self.emulated else "aliyun"

    async def outbox_depth(self) -> int:
        return await self.outbox.depth()
