"""Ten thousand random and mutated texts through the signed HTTP endpoint.

Half go in as slash command text and half as direct-message events, sixteen at a time. Every
one must be answered (HTTP 200, never a 5xx); afterwards the store may hold a request only for
a text the grammar accepts as a change request, and the cloud is untouched (nobody approves).
Texts are drawn from a seeded RNG: mutations of valid commands (characters inserted, deleted,
swapped, duplicated) mixed with random printable, Unicode and control characters.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter

import aiohttp
import pytest

from bot.grammar import parse_command
from standins.slack.directory import DEV_CHANNEL_ID, DEVELOPER_ID
from tests.proof.harness import ProofCluster
from tests.proof.invariants import record_summary, stored_requests
from vocabulary.commands import Authorize, RevokeRequest, RevokeRule, RevokeTarget
from vocabulary.errors import SgbotError

pytestmark = [pytest.mark.security, pytest.mark.redis]
TEXTS = 10_000
PARALLEL = 16
SEED = 424_242
SEEDS = (
    "authorize gateway prod-gw to sg-legacyapp01 on 31000",
    "authorize gateway prod-gw to service orders.default on 8080 for 4h because load test",
    "revoke gateway prod-gw from service orders on 8080",
    "revoke rule 1 on gateway prod-gw keep backend rule",
    "list rules for gateway prod-gw",
    "status REQ-7F3K2",
    "cancel REQ-7F3K2",
    "history gateway prod-gw",
    "help",
)
CHANGE_COMMANDS = (Authorize, RevokeTarget, RevokeRule, RevokeRequest)
ALPHABET = (
    "abcdefghijklmnopqrstuvwxyz0123456789 -_/.,:;'\"`*~<>&@!#|{}[]()\n\t"
    "\u00e9\u4e2d\u0440\u2010\u200b\u202e\ufeff\x00\x07\x1b\U0001f600"
)


def mutate(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 6)):
        position = rng.randrange(len(chars) + 1)
        operation = rng.randrange(4)
        if operation == 0:
            chars.insert(position, rng.choice(ALPHABET))
        elif operation == 1 and chars:
            del chars[min(position, len(chars) - 1)]
        elif operation == 2 and len(chars) > 1:
            other = rng.randrange(len(chars))
            position = min(position, len(chars) - 1)
            chars[position], chars[other] = chars[other], chars[position]
        else:
            chars[position:position] = chars[position : position + rng.randint(1, 8)]
    return "".join(chars)


def fuzz_texts(rng: random.Random, count: int) -> list[str]:
    texts = []
    for _ in range(count):
        if rng.random() < 0.7:
            texts.append(mutate(rng, rng.choice(SEEDS)))
        else:
            texts.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 200))))
    return texts


def change_request(text: str) -> Authorize | RevokeTarget | RevokeRule | RevokeRequest | None:
    """The change command ``text`` asks for, if the grammar reads it as one."""
    try:
        command = parse_command(text)
    except SgbotError:
        return None
    return command if isinstance(command, CHANGE_COMMANDS) else None


async def send_all(cluster: ProofCluster, texts: list[str]) -> Counter[int]:
    signer, url = cluster.signer, cluster.next_url()
    response_url = cluster.slack.new_response_url(DEVELOPER_ID, DEV_CHANNEL_ID)
    gate = asyncio.Semaphore(PARALLEL)
    statuses: Counter[int] = Counter()

    async def send(index: int, text: str, session: aiohttp.ClientSession) -> None:
        if index % 2:
            event = signer.direct_message(DEVELOPER_ID, text)
            signed = signer.event_callback(event)
        else:
            signed = signer.slash_command(
                DEVELOPER_ID, DEV_CHANNEL_ID, text, response_url=response_url
            )
        async with gate:
            status, _ = await signed.post_async(url, session)
        statuses[status] += 1

    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        await asyncio.gather(*(send(i, text, session) for i, text in enumerate(texts)))
    return statuses


@pytest.mark.timeout(600)
def test_ten_thousand_random_and_mutated_texts(cluster: ProofCluster) -> None:
    cluster.start_replica("--no-worker")
    baseline = cluster.emulator.state()
    texts = fuzz_texts(random.Random(SEED), TEXTS)
    statuses = asyncio.run(send_all(cluster, texts))
    requests = stored_requests(cluster.redis_url, cluster.prefix)
    valid = [command for text in texts if (command := change_request(text)) is not None]
    record_summary(
        "fuzz",
        {
            "seed": SEED,
            "texts_sent": TEXTS,
            "http_statuses": dict(statuses),
            "valid_change_requests_in_the_mix": len(valid),
            "requests_created": len(requests),
            "cloud_changed": cluster.emulator.state() != baseline,
        },
    )
    assert statuses == {200: TEXTS}
    assert len(requests) <= len(valid)
    assert all(request.command in valid for request in requests.values())
    assert cluster.emulator.state() == baseline
