"""Cluster safety: every key the store writes shares one hash slot, whatever the prefix."""

from __future__ import annotations

from datetime import timedelta

import pytest
from redis.crc import key_slot

from approvals.coordination import RuleKey
from approvals.keys import Keys
from handlers.cache_keys import ChatKeys
from tests.approvals.store_helpers import GATEWAY, decide, open_store, walk_to_pending
from vocabulary.commands import PortRange


def every_key(keys: Keys) -> list[str]:
    return [
        keys.pending,
        keys.live,
        keys.history,
        keys.jobs,
        keys.outbox,
        keys.audit,
        keys.timers,
        keys.request("REQ-AAAA1"),
        keys.intake("slash:T1:abc"),
        keys.rate("E1", "U1"),
        keys.fingerprint("f" * 32),
        keys.user_index("E1", "U1"),
        keys.gateway_index(GATEWAY),
        keys.owners(GATEWAY, "sg-1", 80, 81),
        keys.seen("event", "Ev1"),
        keys.delivered("post_card:REQ-AAAA1:2"),
        keys.delivering("post_card:REQ-AAAA1:2"),
        ChatKeys(keys).usergroup("S0APPROVERS"),
        ChatKeys(keys).user("U1"),
        keys.options_cache("gateways"),
    ]


@pytest.mark.parametrize("prefix", ["sgbot", "test-7"])
def test_every_key_builder_hashes_to_the_prefix_slot(prefix: str) -> None:
    keys = Keys(prefix)
    slots = {key_slot(key.encode()) for key in every_key(keys)}
    assert slots == {key_slot(prefix.encode())}
    assert all(key.startswith(f"{{{prefix}}}:") for key in every_key(keys))


@pytest.mark.parametrize("prefix", ["", "a{b", "a:b"])
def test_prefix_that_would_break_the_tag_is_refused(prefix: str) -> None:
    with pytest.raises(ValueError, match="prefix"):
        Keys(prefix)


@pytest.mark.redis
async def test_a_whole_workflow_writes_only_keys_of_one_slot(redis_url: str) -> None:
    async with open_store(redis_url, prefix="cl") as store:
        await walk_to_pending(store, "REQ-AAAA1")
        await decide(store, "REQ-AAAA1")
        rule = RuleKey(GATEWAY, "sg-backend1", PortRange(start=8080, end=8080))
        await store.work.add_owner(rule, "REQ-AAAA1")
        await store.work.seen_once("event", "Ev1", timedelta(minutes=1))
        written = [key async for key in store.client.scan_iter()]
    assert len(written) >= 12
    assert {key_slot(key.encode()) for key in written} == {key_slot(b"cl")}
