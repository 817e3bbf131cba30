"""``list pending`` and ``list rules`` at scale: 10,000 pending requests, 1,000 rules on a gateway.

It seeds Redis (``bench.seed``: the pending requests, and every other extra rule recorded as
created by sgbot) and starts the emulator on an estate with ``--rules`` extra rules on prod-gw,
then measures two ways. In process, the calls the handlers make (``count_pending`` +
``list_pending`` of one page + ``pending_list``; ``CloudLookups.rules_listing`` + ``rules_list``),
each phase timed; the rules listing is timed cold (its cached gateway and rules dropped before
each sample, so it asks the cloud) and warm (cached). End to end, through ``sgbot serve``:
``list pending`` is answered in the ack, so it is timed to the ack; ``list rules`` is acked at
once and answered on the response URL, so it is timed to that post (polled every
``POLL_SECONDS``), cold and warm. Each message is checked against Block Kit's limits.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis

from approvals.clock import SystemClock
from approvals.connect import connect
from approvals.keys import Keys
from approvals.lookups import CloudLookups
from approvals.policy import SlackUser
from approvals.results import StoreConfig
from approvals.store import RequestStore
from bench import processes
from bench.e2e import get_json, post_json
from bench.profiling import sampled
from bench.seed import estate_with_rules, seed_creators, seed_pending
from bench.slack_process import bench_signer, bench_user_ids
from bench.stats import emit, summarise
from bot.cloud.factory import build_cloud, static_credential
from bot.deps import policy_config
from bot.settings import load_settings
from handlers.block_parts import Message
from handlers.blocks import pending_list, rules_list
from handlers.blocks_lists import page_bounds
from handlers.queries import PENDING_PAGE_SIZE
from standins.slack.directory import DEV_CHANNEL_ID
from vocabulary.commands import GatewayRef

GATEWAY_ID = "gw-5f0c6a1e2b3d4c5e8f9a0b1c2d3e4f50"
LATENCY_TARGET_MS = 50.0
POLL_SECONDS = 0.01  # faster polling steals CPU from the server on a small machine
WAIT_SECONDS = 30.0
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
Timed = dict[str, list[float]]


def block_kit_check(reply: Message | dict[str, Any]) -> dict[str, Any]:
    """Block count, longest section and header text, size, and whether all are within limits."""
    blocks = list(reply.get("blocks") or [])
    texts = [b.get("text", {}).get("text", "") for b in blocks if b.get("type") == "section"]
    headers = [b.get("text", {}).get("text", "") for b in blocks if b.get("type") == "header"]
    longest = max((len(t) for t in texts), default=0)
    longest_header = max((len(t) for t in headers), default=0)
    contexts = [
        element.get("text", "")
        for b in blocks
        if b.get("type") == "context"
        for element in b.get("elements", [])
    ]
    return {
        "context": contexts[:1],
        "blocks": len(blocks),
        "longest_section_chars": longest,
        "longest_header_chars": longest_header,
        "json_bytes": len(json.dumps(reply)),
        "within_limits": len(blocks) <= MAX_BLOCKS
        and longest <= MAX_SECTION_TEXT
        and longest_header <= MAX_HEADER_TEXT,
    }


async def phases(
    samples: int, steps: Callable[[Timed], Awaitable[Message]]
) -> tuple[dict[str, Any], Message]:
    timed: Timed = {}
    reply: Message | None = None
    for _ in range(samples):
        started = time.perf_counter()
        reply = await steps(timed)
        timed.setdefault("total", []).append(time.perf_counter() - started)
    assert reply is not None
    return {name: summarise(values) for name, values in timed.items()}, reply


def lap(timed: Timed, name: str, since: float) -> float:
    now = time.perf_counter()
    timed.setdefault(name, []).append(now - since)
    return now


def listing_keys(prefix: str, gateway: str, gateway_id: str) -> list[str]:
    """The Redis keys of the cached gateway lookup and rule listing."""
    keys = Keys(prefix)
    return [keys.gateway_cache(gateway), keys.rules_cache(gateway_id)]


async def in_process(redis_url: str, samples: int) -> dict[str, Any]:
    settings = load_settings()
    cloud = build_cloud(
        settings,
        credential=static_credential(processes.EMULATOR_KEY_ID, processes.EMULATOR_KEY_SECRET),
    )
    client = connect(redis_url)
    store = RequestStore(client, StoreConfig(prefix=settings.key_prefix))
    policy = policy_config(settings, frozenset({"T0SGBOT01"}))
    lookups = CloudLookups(store, cloud, SystemClock(), policy, rate_limit=1_000_000)
    reader = SlackUser(user_id="U0BENCH01", team_id="T0SGBOT01")
    prod_gw = GatewayRef(value="prod-gw")
    cached = listing_keys(settings.key_prefix, prod_gw.value, GATEWAY_ID)

    async def pending(timed: Timed) -> Message:
        started = time.perf_counter()
        total = await store.count_pending()
        _, _, first = page_bounds(total, 1, PENDING_PAGE_SIZE)
        requests = await store.list_pending(PENDING_PAGE_SIZE, first)
        started = lap(timed, "store.count_pending + list_pending (one page)", started)
        reply = pending_list(requests, total=total, now=datetime.now(UTC), emulated=False)
        lap(timed, "pending_list", started)
        return reply

    def rules(cold: bool) -> Callable[[Timed], Awaitable[Message]]:
        async def steps(timed: Timed) -> Message:
            if cold:
                await client.delete(*cached)
            started = time.perf_counter()
            listing = await lookups.rules_listing(reader, prod_gw)
            started = lap(timed, "lookups.rules_listing", started)
            reply = rules_list(listing.gateway, listing.rules, listing.creators, emulated=False)
            lap(timed, "rules_list", started)
            return reply

        return steps

    try:
        pending_phases, pending_reply = await phases(samples, pending)
        cold_phases, _ = await phases(max(samples // 4, 1), rules(cold=True))
        warm_phases, rules_reply = await phases(samples, rules(cold=False))
        total_pending = await store.count_pending()
    finally:
        await client.aclose()
    return {
        "pending_requests_in_redis": total_pending,
        "list_pending": {"phases": pending_phases, "message": block_kit_check(pending_reply)},
        "list_rules": {
            "cold": cold_phases,
            "warm": warm_phases,
            "message": block_kit_check(rules_reply),
        },
    }


def through_slack(
    bot_url: str,
    slack: str,
    text: str,
    samples: int,
    *,
    later: bool,
    before_each: Callable[[], object] = lambda: None,
) -> Any:
    signer = bench_signer(1, processes.SIGNING_SECRET)
    user = bench_user_ids(1)[0]
    latencies: list[float] = []
    reply: dict[str, Any] = {}
    for _ in range(samples):
        before_each()
        hook = post_json(f"{slack}/_local/response_url", {"user": user, "channel": DEV_CHANNEL_ID})
        token = str(hook["url"]).rsplit("/", 1)[-1]
        asked = signer.slash_command(user, DEV_CHANNEL_ID, text, response_url=hook["url"])
        started = time.perf_counter()
        status, body = asked.post(f"{bot_url}/slack/events")
        if status != 200:
            raise RuntimeError(f"{text!r} failed: {status} {body[:200]}")
        if later:
            deadline = time.monotonic() + WAIT_SECONDS
            while not (posts := get_json(f"{slack}/_local/responses?token={token}")):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no answer to {text!r} within {WAIT_SECONDS} s")
                time.sleep(POLL_SECONDS)
            reply = posts[-1]
        else:
            reply = json.loads(body)
        latencies.append(time.perf_counter() - started)
    return {"latency": summarise(latencies), "message": block_kit_check(reply)}


def run(args: argparse.Namespace) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory() as scratch,
        processes.redis_server() as redis_url,
        processes.emulator(
            estate=(estate := estate_with_rules(Path(scratch) / "e.json", GATEWAY_ID, args.rules))
        ) as cloud,
        processes.local_slack(1) as slack,
    ):
        env = processes.sgbot_env(redis_url, slack, cloud)
        seeding = time.perf_counter()
        asyncio.run(
            seed_pending(
                redis_url, env["SGBOT_KEY_PREFIX"], GATEWAY_ID, args.pending, bench_user_ids(1)[0]
            )
        )
        rules = json.loads(estate.read_text())["mse_rules"]
        asyncio.run(seed_creators(redis_url, env["SGBOT_KEY_PREFIX"], GATEWAY_ID, rules))
        seeded_in = time.perf_counter() - seeding
        os.environ.update(env)
        store_level = asyncio.run(in_process(redis_url, args.samples))
        flush = redis.Redis.from_url(redis_url)
        cached = listing_keys(env["SGBOT_KEY_PREFIX"], "prod-gw", GATEWAY_ID)
        list_rules_text = "list rules for gateway prod-gw"
        with processes.sgbot(env) as bot:
            through_slack(bot.url, slack, "list pending", 5, later=False)  # warm-up
            end_to_end = {
                "list pending": through_slack(
                    bot.url, slack, "list pending", args.samples, later=False
                ),
            }
            with sampled(bot.pid, args.profile, "sgbot-list-rules"):
                end_to_end["list rules (cold)"] = through_slack(
                    bot.url,
                    slack,
                    list_rules_text,
                    max(args.samples // 4, 1),
                    later=True,
                    before_each=lambda: flush.delete(*cached),
                )
                end_to_end["list rules (warm)"] = through_slack(
                    bot.url, slack, list_rules_text, args.samples, later=True
                )
        flush.close()
    return {
        "benchmark": "scale",
        "parameters": vars(args),
        "seed_seconds": round(seeded_in, 1),
        "in_process": store_level,
        "end_to_end": end_to_end,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pending", type=int, default=10_000)
    parser.add_argument("--rules", type=int, default=1_000)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--profile", type=Path, help="directory for py-spy samples of list rules")
    result = run(parser.parse_args())
    e2e = result["end_to_end"]
    pending_p99 = e2e["list pending"]["latency"]["p99_ms"]
    cold_p99 = e2e["list rules (cold)"]["latency"]["p99_ms"]
    warm_p99 = e2e["list rules (warm)"]["latency"]["p99_ms"]
    within = all(measured["message"]["within_limits"] for measured in e2e.values())
    emit(
        result,
        f"scale: list pending p99 {pending_p99} ms, list rules p99 {warm_p99} ms warm "
        f"({cold_p99} ms cold) end to end (target {LATENCY_TARGET_MS} ms, warm); "
        f"Block Kit limits {'kept' if within else 'EXCEEDED'}",
    )


if __name__ == "__main__":
    main()
