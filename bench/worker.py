"""One ``sgbot worker`` process: requests resolved and approvals applied per second, and CPU.

For each emulator latency in ``--latencies`` and each ``SGBOT_WORKER_CONCURRENCY`` in
``--concurrency`` it starts a private Redis, the emulator and one ``sgbot worker``. A warm-up
batch is resolved and applied first (imports, SDK clients, connection pools), then
``--requests`` requests are stored as ``received`` with their resolve jobs, as the intake would,
and timed until every one is ``pending`` (``resolved_per_second``); then each is approved in
the store, as an approver's click would, and timed until every one is ``applied``
(``applied_per_second``). CPU is the worker's user plus system time from ``/proc/<pid>/stat``
over each batch, read once every request has arrived and the last commit has settled, divided
by the requests (``cpu_ms_per_resolved``, ``cpu_ms_per_applied``; the system time alone as
``system_ms_per_…``). Every request names ``--target`` on a port
of its own, so no two share a fingerprint. Every request adds to the same few groups, so the
emulator is reset to its estate before the counted batch (pre-flight refuses a basic group's
21st rule, counting what is there) and its own 20-rule quota is lifted for the adds.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from approvals.connect import RedisClient, connect
from approvals.model import Actor, Verdict
from approvals.policy import Person, PolicyConfig
from approvals.results import StoreConfig
from approvals.store import RequestStore
from bench import processes
from bench.probes import cpu_times, int_list
from bench.profiling import sampled
from bench.seed import NO_RATE_LIMIT, authorize_request
from bench.stats import emit
from vocabulary.commands import (
    SecurityGroupTarget,
    ServiceTarget,
    Target,
)

PREFIX = "bench"
ORG = "T0SGBOT01"
REQUESTER = Actor(org_id=ORG, team_id=ORG, user_id="U0BENCHREQ")
FIRST = 20000  # the first request's port
APPROVER = "U0BENCHAPP"
TARGETS: dict[str, Target] = {
    "orders": ServiceTarget(name="orders"),
    "group": SecurityGroupTarget(security_group_id="sg-legacyapp01"),
}
POLL_SECONDS = 0.01
SETTLE_SECONDS = 0.3  # after the stream drains, for the last commit's log lines
WAIT_SECONDS = 600.0
ENDED_ELSEWHERE = ("rejected", "failed", "partly_applied")
CREATE_CONCURRENCY = 32
GROUP_QUOTA = "group-rule-quota"  # every request adds rules to the same few groups


async def drained(client: RedisClient, store: RequestStore, ids: list[str], state: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    marker = f'"state":"{state}"'
    while True:
        pipe = client.pipeline(transaction=False)
        for request_id in ids:
            pipe.hget(store.keys.request(request_id), "json")
        texts = [str(text) for text in await pipe.execute()]
        if all(marker in text for text in texts):
            return
        stuck = [t for t in texts for bad in ENDED_ELSEWHERE if f'"state":"{bad}"' in t]
        if stuck:
            raise RuntimeError(f"{len(stuck)} requests ended otherwise, e.g. {stuck[0][:600]}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"requests did not reach {state} within {WAIT_SECONDS} s")
        await asyncio.sleep(POLL_SECONDS)


async def batch(
    redis_url: str,
    pid: int,
    first: int,
    count: int,
    target: Target,
    *,
    profile: tuple[Path, str] | None = None,
) -> dict[str, float]:
    """Resolve ``count`` requests, then approve them all; rates and CPU per request.

    ``profile`` (directory, name): py-spy samples of each phase, on the GIL's holder only.
    """
    directory, name = profile or (None, "")
    client = connect(redis_url)
    store = RequestStore(client, StoreConfig(prefix=PREFIX, wait_for_replicas=False))
    slots = asyncio.Semaphore(CREATE_CONCURRENCY)
    ids = [f"REQ-{index:05d}" for index in range(first, first + count)]
    approver = Person(user_id=APPROVER, team_id=ORG)
    policy = PolicyConfig(approvers=frozenset({APPROVER}), home_org_ids=frozenset({ORG}))
    now = datetime.now(UTC)

    async def create(index: int) -> None:
        async with slots:
            request = authorize_request(
                index,
                gateway="prod-gw",
                target=target,
                requester=REQUESTER,
                at=now,
                first_port=20000,
            )
            await store.create(request, rate_limit=NO_RATE_LIMIT)

    async def approve(request_id: str) -> None:
        async with slots:
            await store.decide(
                request_id, approver, Verdict.APPROVE, reason=None, now=datetime.now(UTC),
                approver_ids=frozenset({APPROVER}), policy=policy,
            )  # fmt: skip

    try:
        with sampled(pid, directory, f"{name}_resolve", gil=True):
            cpu, started = cpu_times(pid), time.perf_counter()
            await asyncio.gather(*(create(index) for index in range(first, first + count)))
            await drained(client, store, ids, "pending")
            resolved_s = time.perf_counter() - started
            await asyncio.sleep(SETTLE_SECONDS)
            resolve_user, resolve_sys = (b - a for a, b in zip(cpu, cpu_times(pid), strict=True))
        with sampled(pid, directory, f"{name}_apply", gil=True):
            cpu, started = cpu_times(pid), time.perf_counter()
            await asyncio.gather(*(approve(request_id) for request_id in ids))
            await drained(client, store, ids, "applied")
            applied_s = time.perf_counter() - started
            await asyncio.sleep(SETTLE_SECONDS)
            apply_user, apply_sys = (b - a for a, b in zip(cpu, cpu_times(pid), strict=True))
    finally:
        await client.aclose()
    return {
        "resolved_per_second": round(count / resolved_s, 1),
        "applied_per_second": round(count / applied_s, 1),
        "cpu_ms_per_resolved": round(1000 * (resolve_user + resolve_sys) / count, 2),
        "system_ms_per_resolved": round(1000 * resolve_sys / count, 2),
        "cpu_ms_per_applied": round(1000 * (apply_user + apply_sys) / count, 2),
        "system_ms_per_applied": round(1000 * apply_sys / count, 2),
    }


@contextmanager
def worker(env: dict[str, str], concurrency: int) -> Iterator[processes.Child]:
    worker_env = {
        **env,
        "SGBOT_WORKER_CONCURRENCY": str(concurrency),
        "SGBOT_HEALTH_PORT": str(processes.free_port()),
        "SGBOT_HEALTH_HOST": "127.0.0.1",
        "SGBOT_LOG_LEVEL": "INFO",
    }
    command = processes.python_module("bot", "worker")
    with processes.child(command, "sgbot health on ", worker_env) as running:
        yield running


def run(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {}
    target = TARGETS[args.target]
    for latency in args.latencies:
        for concurrency in args.concurrency:
            with (
                processes.redis_server() as redis_url,
                processes.emulator(latency_ms=latency) as cloud,
                worker(
                    processes.sgbot_env(redis_url, "http://127.0.0.1:9", cloud), concurrency
                ) as running,
            ):
                cloud.lenient(GROUP_QUOTA)
                asyncio.run(batch(redis_url, running.pid, 40_000, args.warmup, target))
                cloud.call("POST", "reset")  # a fresh estate: pre-flight meets no quota
                cloud.lenient(GROUP_QUOTA)
                name = f"latency_{latency}ms_concurrency_{concurrency}"
                profile = None if args.profile is None else (args.profile, name)
                measured = asyncio.run(
                    batch(redis_url, running.pid, 0, args.requests, target, profile=profile)
                )
            results[name] = measured
    return {"benchmark": "worker", "parameters": vars(args), "results": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--target", choices=sorted(TARGETS), default="orders")
    parser.add_argument("--latencies", type=int_list, default=[0])
    parser.add_argument("--concurrency", type=int_list, default=[1, 4, 16])
    parser.add_argument("--profile", type=Path, help="py-spy raw samples of each phase, here")
    result = run(parser.parse_args())
    parts = [
        f"{name}: {r['resolved_per_second']} resolved/s, {r['applied_per_second']} applied/s, "
        f"CPU {r['cpu_ms_per_resolved']} ms/resolved, {r['cpu_ms_per_applied']} ms/applied"
        for name, r in result["results"].items()
    ]
    emit(result, "worker: " + "; ".join(parts))


if __name__ == "__main__":
    main()
