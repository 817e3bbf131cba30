"""A closed-loop HTTP load generator for signed Slack requests.

``run_load`` keeps ``concurrency`` requests in flight over one aiohttp session (keep-alive,
one connection per in-flight request) until ``total`` have been sent or ``time_limit`` passes.
Each request is built and signed by ``make_request(index)`` just before it is sent, so every
request carries a fresh timestamp and signature; latency is from just before the POST to the
last byte of the answer. ``response_urls`` asks the local Slack for real response URLs ahead
of the timed run, so whatever the app later posts there is accepted.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp

from standins.slack import SignedRequest

Classify = Callable[[int, str], str]


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    wall_seconds: float = 0.0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.wall_seconds if self.wall_seconds else 0.0


def by_status(status: int, body: str) -> str:
    return f"http {status}"


async def run_load(
    url: str,
    make_request: Callable[[int], SignedRequest],
    *,
    total: int,
    concurrency: int,
    time_limit: float,
    classify: Classify = by_status,
) -> LoadResult:
    result = LoadResult()
    next_index = 0
    deadline = time.monotonic() + time_limit
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=30)

    async def one_client(session: aiohttp.ClientSession) -> None:
        nonlocal next_index
        while next_index < total and time.monotonic() < deadline:
            index = next_index
            next_index += 1
            request = make_request(index)
            started = time.perf_counter()
            try:
                async with session.post(url, data=request.body, headers=request.headers) as answer:
                    body = await answer.text()
                    status = answer.status
            except (aiohttp.ClientError, TimeoutError) as exc:
                result.outcomes[f"error {type(exc).__name__}"] += 1
                continue
            result.latencies.append(time.perf_counter() - started)
            result.outcomes[classify(status, body)] += 1

    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        await asyncio.gather(*(one_client(session) for _ in range(concurrency)))
        result.wall_seconds = time.perf_counter() - started
    return result


async def response_urls(slack_origin: str, users: list[str], channel: str) -> list[str]:
    """One fresh response URL per entry of ``users`` (a user may repeat), from the local Slack."""
    limit = asyncio.Semaphore(16)

    async def one(session: aiohttp.ClientSession, user: str) -> str:
        async with (
            limit,
            session.post(
                f"{slack_origin}/_local/response_url", json={"user": user, "channel": channel}
            ) as answer,
        ):
            answer.raise_for_status()
            return str((await answer.json())["url"])

    async with aiohttp.ClientSession() as session:
        return list(await asyncio.gather(*(one(session, user) for user in users)))
