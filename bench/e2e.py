"""End to end: signed request → approval card posted, and Approve click → rule in the cloud.

For each emulator latency in ``--latencies`` (ms per cloud call) it starts a private Redis, the
emulator with that latency, the local Slack and ``sgbot serve``, then takes ``--samples``
sequential samples per target kind in ``--targets`` (``TARGETS``: how the backend is named, so
each resolution path is measured). A sample asks for a port of its own (so no two requests
share a fingerprint), times from just before the POST to the ``chat.postMessage`` of the card
in the security channel as the local Slack recorded it (same machine, same wall clock), then
clicks Approve as an approver and times until the new rule shows in ``/_emulator/state``,
polled every ``POLL_SECONDS`` (the figure is at most that much late). ``--card-only`` skips
the click. ``--cold`` runs the bot with its resolution cache off
(``SGBOT_RESOLVE_CACHE_SECONDS=0``), so every sample asks the cloud for everything; otherwise
the samples after the first (an uncounted warm-up per target) find the metadata cached.
"""

from __future__ import annotations

import argparse
import json
import re
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from bench import processes
from bench.probes import int_list
from bench.slack_process import bench_signer, bench_user_ids
from bench.stats import emit, summarise
from handlers.ids import ActionId, BlockId
from standins.slack import SignedRequest, SlackSigner
from standins.slack.directory import APPROVER_IDS, DEV_CHANNEL_ID, SECURITY_CHANNEL_ID

GATEWAY_NAME = "prod-gw"
PROD_ACK = "c8f2a1b3c4d5e6f708192a3b4c5d6e7f8"
TARGETS = {
    "ack": "service orders",  # K8s on Flannel: cluster → pools and nodes
    "terway": "service inventory",  # K8s pods on Terway ENIs
    "vip": "service legacy-billing",  # VIP → ECS instances
    "instance": "instance i-legacy001",
    "sg": "security group sg-legacyapp01",
    "cluster": f"cluster {PROD_ACK}",
    "nodepool": f"node pool np-web in cluster {PROD_ACK}",
}
GATEWAY_ID = "gw-5f0c6a1e2b3d4c5e8f9a0b1c2d3e4f50"
FIRST_PORT = 20000
POLL_SECONDS = 0.005
WAIT_SECONDS = 30.0
REQUEST_ID_RE = re.compile(r"REQ-[0-9A-Z]{5}")

T = TypeVar("T")


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 - loopback only
        return json.loads(answer.read())


def post_json(url: str, payload: dict[str, Any]) -> Any:
    request = urllib.request.Request(  # noqa: S310 - loopback only
        url, data=json.dumps(payload).encode(), headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        return json.loads(answer.read())


def poll(found: Callable[[], T | None], what: str) -> T:
    deadline = time.monotonic() + WAIT_SECONDS
    while (value := found()) is None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {WAIT_SECONDS} s")
        time.sleep(POLL_SECONDS)
    return value


def card_post_time(slack: str, request_id: str) -> float | None:
    calls = get_json(f"{slack}/_local/calls?method=chat.postMessage")
    for call in calls:
        args = call["args"]
        if args.get("channel") == SECURITY_CHANNEL_ID and request_id in json.dumps(
            args.get("blocks") or ""
        ):
            return float(call["at"])
    return None


def card_message(slack: str, request_id: str) -> dict[str, Any] | None:
    for message in get_json(f"{slack}/_local/messages?channel={SECURITY_CHANNEL_ID}"):
        blocks = message.get("blocks") or []
        if blocks and str(blocks[0].get("text", {}).get("text", "")).endswith(request_id):
            return dict(message)
    return None


def approval_click(
    signer: SlackSigner, slack: str, card: dict[str, Any], request_id: str
) -> SignedRequest:
    """The first approver's Approve click on ``card``, answered on a local response URL."""
    hook = post_json(
        f"{slack}/_local/response_url", {"user": APPROVER_IDS[0], "channel": SECURITY_CHANNEL_ID}
    )
    return signer.block_actions(
        APPROVER_IDS[0],
        ActionId.APPROVE,
        request_id,
        block_id=BlockId.DECISION,
        channel=SECURITY_CHANNEL_ID,
        message=card,
        response_url=hook["url"],
    )


@dataclass(frozen=True)
class Asked:
    """A slash command the bot took: the request id its ack named, when it was sent (wall
    clock, to compare with the local Slack's record), and the signer for later clicks."""

    request_id: str
    sent_at: float
    signer: SlackSigner


def ask(bot_url: str, slack: str, text: str) -> Asked:
    """Send ``text`` as the bench requester's slash command; raise unless the ack took it."""
    signer = bench_signer(1, processes.SIGNING_SECRET)
    requester = bench_user_ids(1)[0]
    hook = post_json(f"{slack}/_local/response_url", {"user": requester, "channel": DEV_CHANNEL_ID})
    asked = signer.slash_command(requester, DEV_CHANNEL_ID, text, response_url=hook["url"])
    sent_at = time.time()
    status, body = asked.post(f"{bot_url}/slack/events")
    match = REQUEST_ID_RE.search(body)
    if status != 200 or match is None:
        raise RuntimeError(f"{text!r} was not taken: {status} {body[:200]}")
    return Asked(match.group(0), sent_at, signer)


def press(bot_url: str, click: SignedRequest) -> float:
    """Post a signed click; ``time.perf_counter()`` just before it. Raises unless acked."""
    clicked = time.perf_counter()
    status, body = click.post(f"{bot_url}/slack/events")
    if status != 200:
        raise RuntimeError(f"the click was refused: {status} {body[:200]}")
    return clicked


def rule_count(cloud: processes.EmulatorAdmin) -> int:
    return len(cloud.call("GET", "state")["mse_rules"].get(GATEWAY_ID, []))


def one_sample(
    bot_url: str,
    slack: str,
    cloud: processes.EmulatorAdmin,
    index: int,
    target: str,
    *,
    click: bool,
) -> tuple[float, float | None]:
    """(seconds to the card, seconds from the click to the rule or None) for a fresh request."""
    text = f"authorize gateway {GATEWAY_NAME} to {target} on {FIRST_PORT + index}"
    asked = ask(bot_url, slack, text)
    request_id = asked.request_id
    posted_at = poll(lambda: card_post_time(slack, request_id), f"card of {request_id}")
    if not click:
        return posted_at - asked.sent_at, None
    card = poll(lambda: card_message(slack, request_id), f"card message of {request_id}")
    rules_before = rule_count(cloud)
    clicked = press(bot_url, approval_click(asked.signer, slack, card, request_id))
    poll(lambda: True if rule_count(cloud) > rules_before else None, f"rule of {request_id}")
    return posted_at - asked.sent_at, time.perf_counter() - clicked


def run(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {}
    cache = {"SGBOT_RESOLVE_CACHE_SECONDS": "0"} if args.cold else {}
    for latency in args.latencies:
        with (
            processes.redis_server() as redis_url,
            processes.emulator(latency_ms=latency) as cloud,
            processes.local_slack(1) as slack,
            processes.sgbot({**processes.sgbot_env(redis_url, slack, cloud), **cache}) as bot,
        ):
            index = 0
            for kind in args.targets:
                to_card: list[float] = []
                to_rule: list[float] = []
                click = not args.card_only
                index += 1  # the warm-up, not counted
                one_sample(bot.url, slack, cloud, index, TARGETS[kind], click=click)
                before = sum(cloud.calls().values())
                for _ in range(args.samples):
                    index += 1
                    card_s, rule_s = one_sample(
                        bot.url, slack, cloud, index, TARGETS[kind], click=click
                    )
                    to_card.append(card_s)
                    to_rule += [] if rule_s is None else [rule_s]
                calls = sum(cloud.calls().values()) - before
                results[f"{kind}_latency_{latency}ms"] = {
                    "target": TARGETS[kind],
                    "request_to_card": summarise(to_card),
                    "approve_to_rule": summarise(to_rule),
                    # per counted sample: the request, and its apply when Approve is clicked
                    "cloud_calls_per_sample": round(calls / args.samples, 1),
                }
    return {"benchmark": "e2e", "parameters": vars(args), "results": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument(
        "--targets",
        type=lambda text: text.split(","),
        default=["ack"],
        help=f"comma-separated target kinds: {', '.join(TARGETS)}",
    )
    parser.add_argument("--card-only", action="store_true", help="do not click Approve")
    parser.add_argument("--cold", action="store_true", help="resolution cache off")
    parser.add_argument("--latencies", type=int_list, default=[0, 50])
    result = run(parser.parse_args())
    parts = [
        f"{name}: card p50 {r['request_to_card']['p50_ms']} max {r['request_to_card']['max_ms']}"
        f" ms, {r['cloud_calls_per_sample']} calls"
        + (
            f", rule p50 {r['approve_to_rule']['p50_ms']} p99 {r['approve_to_rule']['p99_ms']} ms"
            if r["approve_to_rule"]["count"]
            else ""
        )
        for name, r in result["results"].items()
    ]
    emit(result, "e2e: " + "; ".join(parts))


if __name__ == "__main__":
    main()
