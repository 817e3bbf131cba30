"""Approve click → the request ``applied``: every rule in the cloud and its id read back.

For each emulator latency in ``--latencies`` (ms per cloud call) it starts a private Redis, the
emulator with that latency, the local Slack and ``sgbot serve``, then for each target in
``--targets`` (``TARGETS``: how many rules its request adds) takes ``--samples`` sequential
samples after one uncounted warm-up. Before each sample the emulator is reset to its estate, so
pre-flight never meets a group's rule quota however many samples run. A sample asks for a port
of its own, waits for the approval card, clicks Approve as an approver and times until the
request is ``applied`` in Redis with the rules' ids read back (``approve_to_applied``), polled
every ``POLL_SECONDS`` with one ``HGET`` (the figure is at most that much late); then it checks
that every rule the request adds is in ``/_emulator/state`` (polling that whole snapshot during
the sample would take CPU from the processes being timed). ``cloud_calls`` are the calls from
the click to ``applied``.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from typing import Any

import redis

from bench import processes
from bench.e2e import (
    GATEWAY_ID,
    WAIT_SECONDS,
    approval_click,
    ask,
    card_message,
    poll,
    press,
)
from bench.probes import int_list
from bench.stats import emit, summarise

TARGETS = {"orders": ("service orders", 3), "group": ("sg-legacyapp01", 1)}
"""Name on the command line: (what the request names, how many rules it adds)."""
FIRST_PORT = 21000
KEY_PREFIX = "{bench}"
POLL_SECONDS = 0.002


def rules_of(cloud: processes.EmulatorAdmin, request_id: str) -> int:
    rules = cloud.call("GET", "state")["mse_rules"].get(GATEWAY_ID, [])
    return sum(1 for rule in rules if rule["description"].startswith(f"sgbot {request_id}"))


def applied(store: redis.Redis, request_id: str) -> bool | None:
    text = store.hget(f"{KEY_PREFIX}:req:{request_id}", "json")
    return True if text is not None and '"state":"applied"' in str(text) else None


def one_sample(
    bot_url: str,
    slack: str,
    cloud: processes.EmulatorAdmin,
    store: redis.Redis,
    *,
    port: int,
    target: str,
) -> tuple[float, Counter[str]]:
    """Seconds from the click to ``applied``, and the calls it took."""
    named, adds = TARGETS[target]
    cloud.call("POST", "reset")
    asked = ask(bot_url, slack, f"authorize gateway prod-gw to {named} on {port}")
    request_id = asked.request_id
    card = poll(lambda: card_message(slack, request_id), f"card message of {request_id}")
    click = approval_click(asked.signer, slack, card, request_id)
    cloud.call("DELETE", "calls")
    clicked = press(bot_url, click)
    deadline = clicked + WAIT_SECONDS
    while not applied(store, request_id):
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{request_id} was not applied within {WAIT_SECONDS} s")
        time.sleep(POLL_SECONDS)
    done = time.perf_counter()
    if rules_of(cloud, request_id) != adds:
        raise RuntimeError(f"{request_id} is applied but the cloud holds other rules")
    return done - clicked, Counter(cloud.calls())


def run(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for latency in args.latencies:
        with (
            processes.redis_server() as redis_url,
            processes.emulator(latency_ms=latency) as cloud,
            processes.local_slack(1) as slack,
            processes.sgbot(processes.sgbot_env(redis_url, slack, cloud)) as bot,
        ):
            store = redis.Redis.from_url(redis_url, decode_responses=True)
            port = FIRST_PORT
            for target in args.targets:
                to_applied: list[float] = []
                calls: Counter[str] = Counter()
                for sample in range(args.samples + 1):  # the first is a warm-up
                    port += 1
                    applied_s, used = one_sample(
                        bot.url, slack, cloud, store, port=port, target=target
                    )
                    if sample:
                        to_applied.append(applied_s)
                        calls += used
                results[f"{target}_latency_{latency}ms"] = {
                    "target": TARGETS[target][0],
                    "approve_to_applied": summarise(to_applied),
                    "cloud_calls": {k: round(v / args.samples, 1) for k, v in calls.items()},
                }
            store.close()
    return {"benchmark": "apply", "parameters": vars(args), "results": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--targets", type=lambda text: text.split(","), default=["group", "orders"])
    parser.add_argument("--latencies", type=int_list, default=[0, 50])
    result = run(parser.parse_args())
    parts = [
        f"{name}: applied p50 {r['approve_to_applied']['p50_ms']}"
        f" p99 {r['approve_to_applied']['p99_ms']} ms"
        for name, r in result["results"].items()
    ]
    emit(result, "apply: " + "; ".join(parts))


if __name__ == "__main__":
    main()
