"""The demo's embedded Redis behaves, on the wire, as the bot needs a Redis to behave.

Each check here is one the engine alone gets wrong or does not answer (see
``standins.embedded_redis``); the last runs the store and worker suites against it, which is the
evidence that it supports everything the bot uses.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from standins.embedded_redis import EmbeddedRedisServer, embedded_redis

BLOCK_MS = 400
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def server() -> Iterator[EmbeddedRedisServer]:
    with embedded_redis() as running:
        yield running


@pytest.fixture(params=[2, 3], ids=["resp2", "resp3"])
def client(server: EmbeddedRedisServer, request: pytest.FixtureRequest) -> Iterator[redis.Redis]:
    connection = redis.Redis.from_url(
        server.url, protocol=request.param, single_connection_client=True
    )
    connection.flushdb()
    yield connection
    connection.close()


def test_an_error_reply_leaves_the_connection_usable(client: redis.Redis) -> None:
    client.xgroup_create("jobs", "workers", id="0", mkstream=True)

    with pytest.raises(redis.ResponseError, match="BUSYGROUP"):
        client.xgroup_create("jobs", "workers", id="0", mkstream=True)

    assert client.ping() is True
    assert client.xinfo_groups("jobs")[0]["name"] == b"workers"


def test_a_script_unknown_to_the_server_is_loaded_and_run(client: redis.Redis) -> None:
    client.script_flush()
    with pytest.raises(redis.exceptions.NoScriptError):
        client.evalsha("0" * 40, 0)
    counter = client.register_script("return redis.call('INCRBY', KEYS[1], ARGV[1])")

    assert [counter(keys=["n"], args=[2]), counter(keys=["n"], args=[3])] == [2, 5]


def test_a_group_read_waits_for_its_block_time_when_nothing_is_new(client: redis.Redis) -> None:
    client.xgroup_create("jobs", "workers", id="$", mkstream=True)
    client.set("elsewhere", "1")

    started = time.monotonic()
    read = client.xreadgroup("workers", "w1", {"jobs": ">"}, count=10, block=BLOCK_MS)
    waited = time.monotonic() - started

    assert not read
    assert waited >= BLOCK_MS / 1000 * 0.9


def test_a_waiting_group_read_wakes_for_a_new_entry_not_for_other_keys(
    server: EmbeddedRedisServer, client: redis.Redis
) -> None:
    client.xgroup_create("jobs", "workers", id="$", mkstream=True)
    other = redis.Redis.from_url(server.url)

    def write_later() -> None:
        time.sleep(0.1)
        other.set("elsewhere", "1")  # wakes the engine's waiters, but is not the stream
        time.sleep(0.1)
        other.xadd("jobs", {"request": "REQ-1"})

    writer = threading.Thread(target=write_later)
    writer.start()
    started = time.monotonic()
    read: Any = client.xreadgroup("workers", "w1", {"jobs": ">"}, count=10, block=5000)
    waited = time.monotonic() - started
    writer.join()
    other.close()

    # redis-py gives RESP3's map as {stream: [entries]}, RESP2's as [[stream, entries]].
    [[stream, entries]] = [[k, v[0]] for k, v in read.items()] if isinstance(read, dict) else read
    [(_entry_id, fields)] = entries
    assert (stream, fields) == (b"jobs", {b"request": b"REQ-1"})
    assert 0.15 < waited < 2


def test_it_says_it_has_no_replicas_so_the_bot_does_not_wait(client: redis.Redis) -> None:
    assert client.info("replication")["connected_slaves"] == 0
    assert client.execute_command("WAIT", 1, 10) == 0  # type: ignore[no-untyped-call]


def test_the_store_and_worker_suites_pass_on_it(server: EmbeddedRedisServer) -> None:
    suites = [f"tests/approvals/{name}" for name in ("test_store.py", "test_store_work.py")]
    suites += ["tests/approvals/test_worker.py", "tests/approvals/test_jobs.py"]
    # A Python thread per connection, all sharing the GIL: fifty concurrent deciders on a loaded
    # machine can wait past redis-py's 5 s default read timeout, which is not what this test checks.
    environment = os.environ | {"SGBOT_TEST_REDIS_URL": f"{server.url}?socket_timeout=60"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *suites],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " passed" in run.stdout.splitlines()[-1]


@pytest.mark.parametrize("garbage", [b"hello\r\n", b"*1\r\n$x\r\n"], ids=["inline", "bad-length"])
def test_bytes_that_are_not_resp_get_an_error_and_others_are_still_served(
    server: EmbeddedRedisServer, garbage: bytes
) -> None:
    with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=5) as raw:
        raw.sendall(garbage)
        answer = raw.recv(100)

    assert answer.startswith(b"-ERR ")
    assert redis.Redis.from_url(server.url).ping() is True
