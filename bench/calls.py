"""Cloud API calls and Redis commands per request, for each way of naming the backend.

Against one ``sgbot serve`` (worker included) on a private Redis, for each resolution path it
sends one slash command and waits until the request is pending with its card posted and both
work streams are drained; then it clicks Approve and waits until the request is applied and
the streams are drained again. Cloud calls come from the emulator's per-action counters (reset
before each step), Redis commands from ``INFO commandstats`` deltas. The background loops'
idle commands, measured first over ``IDLE_SECONDS``, are subtracted pro rata, and so are the
bench's own polling commands, so the figures are what one request and one decision cost.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from typing import Any

import redis

from bench import processes
from bench.e2e import approval_click, ask, card_message
from bench.stats import emit

CLUSTER = "c8f2a1b3c4d5e6f708192a3b4c5d6e7f8"
PATHS = {
    "service (K8s, ACK node pools)": "service orders",
    "service (VIP, ECS instances)": "service legacy-billing",
    "instance": "instance i-legacy001",
    "security group": "sg-legacyapp01",
    "cluster": f"cluster {CLUSTER}",
    "node pool": f"nodepool np-web in cluster {CLUSTER}",
}
IDLE_SECONDS = 3.0
WAIT_SECONDS = 30.0
POLL_SECONDS = 0.01
KEY_PREFIX = "{bench}"


class RedisMeter:
    """``INFO commandstats`` deltas, less idle traffic and the meter's own commands.

    Redis counts every command a Lua script runs as well as the script call itself (and so
    does ``total_commands_processed``), so these are commands executed, not round trips; a
    script call (``evalsha``) is one round trip however many commands it runs.
    """

    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url, decode_responses=True)
        self.own: Counter[str] = Counter()
        self.idle_per_second: dict[str, float] = {}

    def snapshot(self) -> tuple[float, Counter[str], Counter[str]]:
        stats = self.client.info("commandstats")
        counts = Counter(
            {name.removeprefix("cmdstat_"): int(v["calls"]) for name, v in stats.items()}
        )
        return time.monotonic(), counts, Counter(self.own)

    def _raw_delta(self, before: tuple[float, Counter[str], Counter[str]]) -> dict[str, float]:
        after = self.snapshot()
        elapsed = after[0] - before[0]
        own = after[2] - before[2]
        used: dict[str, float] = {}
        for name in set(after[1]) | set(before[1]):
            if name == "info":
                continue
            count = after[1][name] - before[1][name] - own[name]
            used[name] = count - self.idle_per_second.get(name, 0.0) * elapsed
        return used

    def delta(self, before: tuple[float, Counter[str], Counter[str]]) -> dict[str, Any]:
        used = self._raw_delta(before)
        by_command = {name: round(n, 1) for name, n in sorted(used.items()) if round(n, 1) > 0}
        return {
            "commands": round(sum(by_command.values()), 1),
            "script_calls": by_command.get("evalsha", 0.0),
            "by_command": by_command,
        }

    def measure_idle(self) -> None:
        before = self.snapshot()
        time.sleep(IDLE_SECONDS)
        self.idle_per_second = {
            name: count / IDLE_SECONDS for name, count in self._raw_delta(before).items()
        }

    def settled(self, request_id: str, states: set[str]) -> bool:
        pipe = self.client.pipeline(transaction=False)
        pipe.hget(f"{KEY_PREFIX}:req:{request_id}", "json")
        pipe.xlen(f"{KEY_PREFIX}:jobs")
        pipe.xlen(f"{KEY_PREFIX}:outbox")
        text, jobs, outbox = pipe.execute()
        self.own.update({"hget": 1, "xlen": 2})
        in_state = text is not None and any(f'"state":"{state}"' in text for state in states)
        return in_state and jobs == 0 and outbox == 0

    def wait(self, request_id: str, states: set[str]) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while not self.settled(request_id, states):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{request_id} did not reach {states} within {WAIT_SECONDS} s")
            time.sleep(POLL_SECONDS)


def one_path(
    bot_url: str,
    slack: str,
    cloud: processes.EmulatorAdmin,
    meter: RedisMeter,
    *,
    target: str,
    port: int,
) -> dict[str, Any]:
    cloud.call("DELETE", "calls")
    before = meter.snapshot()
    asked = ask(bot_url, slack, f"authorize gateway prod-gw to {target} on {port}")
    request_id = asked.request_id
    meter.wait(request_id, {"pending", "rejected"})
    request = {"cloud_calls": cloud.calls(), "redis_commands": meter.delta(before)}
    card = card_message(slack, request_id)
    if card is None:
        return {"request": request, "decision": None, "note": "no approval card was posted"}
    click = approval_click(asked.signer, slack, card, request_id)
    cloud.call("DELETE", "calls")
    before = meter.snapshot()
    click.post(f"{bot_url}/slack/events")
    meter.wait(request_id, {"applied", "failed"})
    decision = {"cloud_calls": cloud.calls(), "redis_commands": meter.delta(before)}
    return {"request": request, "decision": decision}


def totals(step: dict[str, Any] | None) -> tuple[int, float]:
    if step is None:
        return 0, 0.0
    return sum(step["cloud_calls"].values()), step["redis_commands"]["commands"]


def run() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    with (
        processes.redis_server() as redis_url,
        processes.emulator() as cloud,
        processes.local_slack(1) as slack,
        processes.sgbot(processes.sgbot_env(redis_url, slack, cloud)) as bot,
    ):
        meter = RedisMeter(redis_url)
        one_path(bot.url, slack, cloud, meter, target="service orders", port=30999)  # warm-up
        meter.measure_idle()
        for number, (name, target) in enumerate(PATHS.items()):
            paths[name] = one_path(bot.url, slack, cloud, meter, target=target, port=31000 + number)
        idle = meter.idle_per_second
    return {"benchmark": "calls", "idle_redis_commands_per_second": idle, "paths": paths}


def main() -> None:
    argparse.ArgumentParser(description=__doc__).parse_args()
    result = run()
    parts = []
    for name, measured in result["paths"].items():
        request_calls, request_redis = totals(measured["request"])
        decision_calls, decision_redis = totals(measured["decision"])
        parts.append(
            f"{name}: {request_calls} cloud calls, {request_redis} Redis commands per request; "
            f"{decision_calls}, {decision_redis} per decision"
        )
    emit(result, "calls: " + "; ".join(parts))


if __name__ == "__main__":
    main()
