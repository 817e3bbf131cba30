"""What the worker leaves behind: dead letters, thread reply steps, and the metrics it reports."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any, cast

import pytest

from approvals.model import RequestState
from approvals.outbox import NotificationKind
from approvals.worker import Worker, WorkerConfig
from bot.cloud.port import AddedRule, CloudPort
from bot.deps import worker_config
from bot.metrics import Metrics
from bot.settings import load_settings
from tests.approvals.examples import make_user
from tests.approvals.workflow import APPROVER, APPROVER_IDS, Flow, authorize
from vocabulary.commands import PortRange

pytestmark = [pytest.mark.redis, pytest.mark.fault]


class BrokenAdd:
    """A cloud adapter whose add_rule hits a bug (not a cloud error); the rest is the real one."""

    def __init__(self, cloud: CloudPort) -> None:
        self._cloud = cloud

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cloud, name)

    async def add_rule(
        self, gateway_id: str, group_id: str, ports: PortRange, description: str
    ) -> AddedRule:
        raise RuntimeError("a bug in the adapter")


async def test_a_job_failing_on_every_delivery_is_a_dead_letter(flow: Flow) -> None:
    request_id = await flow.approve(authorize())
    context = replace(flow.context, cloud=cast(CloudPort, BrokenAdd(flow.cloud)))
    configured = worker_config(load_settings(SGBOT_JOB_MAX_DELIVERIES="3"), "w")
    config = replace(configured, claim_idle=timedelta(0))
    worker = Worker(context, config)

    for _ in range(2):
        assert await worker.run_once() == 0  # failed, left for a later claim
        assert (await flow.store.require(request_id)).state is RequestState.APPLYING
    assert await worker.run_once() == 1  # third delivery: given up on, acked

    failed = await flow.store.require(request_id)
    assert failed.state is RequestState.FAILED
    assert failed.incident_id is not None
    assert failed.state_reason is not None
    assert failed.incident_id in failed.state_reason
    assert await flow.store.work.jobs.depth() == 0
    audit = [e for e in await flow.store.audit.read() if e.request_id == request_id]
    assert audit[-1].to_state is RequestState.FAILED
    assert failed.incident_id in audit[-1].reason
    assert (await flow.told_kinds(request_id))[-3:] == [
        "update_card",
        "thread_reply",
        "tell_requester",
    ]
    assert flow.emulator.calls().get("AddSecurityGroupRule", 0) == 0
    assert await worker.run_once() == 0  # nothing is left to claim


async def test_thread_replies_name_each_step_in_order(flow: Flow) -> None:
    request_id = await flow.approve(authorize())
    denied = {"action": "AddSecurityGroupRule", "code": "NoPermission", "http_status": 403}
    flow.emulator.set_faults(fail=[denied | {"count": None}])
    await flow.worker.run_until_idle()
    assert (await flow.store.require(request_id)).state is RequestState.FAILED
    flow.emulator.clear_faults()
    await flow.service.retry(request_id, make_user(APPROVER), approver_ids=APPROVER_IDS)
    await flow.worker.run_until_idle()
    assert (await flow.store.require(request_id)).state is RequestState.APPLIED

    replies = [
        note.text
        for note in await flow.outbox(request_id)
        if note.kind is NotificationKind.THREAD_REPLY
    ]
    assert replies == ["failed", "retrying", "applied"]


async def test_the_worker_reports_apply_time_and_cloud_errors(flow: Flow) -> None:
    metrics = Metrics()
    worker = Worker(replace(flow.context, observer=metrics), WorkerConfig(consumer="m"))
    request_id = await flow.approve(authorize())
    flow.emulator.set_faults(
        fail=[{"action": "AddSecurityGroupRule", "code": "NoPermission", "http_status": 403}]
    )
    await worker.run_until_idle()
    flow.emulator.clear_faults()
    await flow.service.retry(request_id, make_user(APPROVER), approver_ids=APPROVER_IDS)
    await worker.run_until_idle()

    sample = metrics.registry.get_sample_value
    assert sample("sgbot_cloud_errors_total", {"code": "NoPermission"}) == 1.0
    assert sample("sgbot_apply_seconds_count") == 2.0  # the failure, then the retry
