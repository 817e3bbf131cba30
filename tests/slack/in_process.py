"""Helpers for tests that call listeners and the deliverer in this process, on the ``deps``
fixture of this package's ``conftest.py`` (a serving process's dependencies, opened here)."""

from __future__ import annotations

from approvals.model import ReplyTo, Surface
from approvals.worker import Worker, WorkerConfig
from handlers.deps import Deps
from standins.slack.directory import DEVELOPER_ID, dm_channel_id
from tests.approvals.workflow import authorize


async def worked_request(
    deps: Deps, intake_key: str, channel_id: str = dm_channel_id(DEVELOPER_ID)
) -> str:
    """The id of the developer's request, asked in ``channel_id`` and taken by the worker as
    far as it goes without an approver."""
    requester = await deps.approvers.person(DEVELOPER_ID)
    reply_to = ReplyTo(surface=Surface.DM, channel_id=channel_id)
    created = await deps.service.submit(authorize(), requester, reply_to, intake_key=intake_key)
    await Worker(deps.jobs, WorkerConfig(consumer="worker")).run_until_idle()
    return created.request_id
