"""What ``sgbot demo`` runs: the whole workflow with no Slack workspace or cloud account.

It starts, as one process tree: a Redis (``standins.demo_redis`` picks one), the cloud emulator
with its demo estate (``sgbot emulator`` child), a local Slack Web API (``LocalSlack``, in this
process), the bot itself (``sgbot serve`` child, pointed at both, with ``SGBOT_CLOUD=emulator``
so every message it posts says the cloud is emulated) and the browser sandbox on ``--port``.
It prints the sandbox's address and opens nothing. Every run uses a fresh Redis key prefix
(``--key-prefix`` to choose one) because the local Slack and the emulator start empty each
time, so earlier runs' requests would point at messages and rules that no longer exist.
SIGINT or SIGTERM, or any child exiting, stops the whole tree.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from aiohttp import web

from bot.settings import load_settings
from standins.children import stop_child
from standins.cloud.keys import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET
from standins.demo_redis import demo_redis
from standins.demo_seed import CHECK_EXAMPLE, seed_partial_access
from standins.sandbox import create_sandbox_app
from standins.slack import LocalSlack
from standins.slack.directory import APPROVER_GROUP_ID, SECURITY_CHANNEL_ID
from vocabulary.errors import ConfigError

CHILD_STOP_TIMEOUT_SECONDS = 10.0
CHILD_WATCH_SECONDS = 0.5
EMULATOR_READY = "sgbot emulator listening on "
BOT_READY = "sgbot listening on "
REGION_ID = "cn-hangzhou"
DEMO_POLICY = Path(__file__).resolve().parent / "sandbox" / "demo-policy.yaml"


@dataclass
class Child:
    """A child process that announced its address on its first line of output."""

    name: str
    process: subprocess.Popen[str]
    url: str
    more: tuple[str, ...] = ()  # the lines after the first that the caller asked to read


def _drain(stream: IO[str]) -> None:
    # Keeps the child from blocking on a full stdout pipe after its first line.
    for _ in stream:
        pass


@contextmanager
def child(
    name: str, argv: list[str], env: dict[str, str], ready: str, more: int = 0
) -> Iterator[Child]:
    """Run ``sgbot ARGV``; wait for its ``ready`` line (and ``more`` after it); stop it when
    the block ends."""
    command = [sys.executable, "-m", "bot", *argv]
    # Our own interpreter running sgbot; the arguments are fixed by this module.
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)  # noqa: S603
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.startswith(ready):
            process.wait(timeout=CHILD_STOP_TIMEOUT_SECONDS)
            raise ConfigError(f"{name} did not start (exit status {process.returncode})")
        after = tuple(process.stdout.readline().strip() for _ in range(more))
        threading.Thread(target=_drain, args=(process.stdout,), daemon=True).start()
        yield Child(name, process, line.removeprefix(ready).rstrip("/"), after)
    finally:
        stop_child(process, CHILD_STOP_TIMEOUT_SECONDS)


def bot_environment(
    base: dict[str, str],
    *,
    slack_api_url: str,
    bot_token: str,
    signing_secret: str,
    redis_url: str,
    key_prefix: str,
    emulator_url: str,
) -> dict[str, str]:
    """What ``sgbot serve`` needs to talk to the local Slack, the demo Redis and the emulator."""
    endpoint = emulator_url.removeprefix("http://")
    return base | {
        "SLACK_BOT_TOKEN": bot_token,
        "SLACK_SIGNING_SECRET": signing_secret,
        "SLACK_API_URL": slack_api_url,
        "SGBOT_SECURITY_CHANNEL": SECURITY_CHANNEL_ID,
        "SGBOT_APPROVER_GROUP": APPROVER_GROUP_ID,
        "SGBOT_APPROVERS": "",
        "SGBOT_HOME_ORGS": "",
        "REDIS_URL": redis_url,
        "SGBOT_KEY_PREFIX": key_prefix,
        "SGBOT_CLOUD": "emulator",
        "SGBOT_MSE_ENDPOINT": endpoint,
        "SGBOT_ECS_ENDPOINT": endpoint,
        "SGBOT_CS_ENDPOINT": endpoint,
        "SGBOT_CLOUD_PROTOCOL": "http",
        "ALIBABA_CLOUD_REGION_ID": REGION_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_ID": DEMO_ACCESS_KEY_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": DEMO_ACCESS_KEY_SECRET,
        "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
        # Staging is self-service for ordinary ports up to 8h; SSH to prod is refused.
        "SGBOT_POLICY_FILE": str(DEMO_POLICY),
    }


def second_region(line: str) -> tuple[str, str]:
    """(region, URL) from ``sgbot emulator region cn-shanghai listening on http://…``."""
    words = line.split()
    if len(words) != 7 or not line.startswith("sgbot emulator region "):
        raise ConfigError(f"the cloud emulator did not announce its second region: {line!r}")
    return words[3], words[6]


def regions_environment(region: str, url: str) -> dict[str, str]:
    """Both regions served; the second reached on its own endpoints."""
    endpoint = url.removeprefix("http://")
    suffix = region.upper().replace("-", "_")
    return {
        "SGBOT_REGIONS": f"{REGION_ID},{region}",
        **{f"SGBOT_{p}_ENDPOINT_{suffix}": endpoint for p in ("MSE", "ECS", "CS")},
    }


def say(text: str) -> None:
    print(f"sgbot demo: {text}", flush=True)


def run(args: argparse.Namespace) -> int:
    key_prefix = args.key_prefix or f"sgbot-demo-{secrets.token_hex(3)}"
    signing_secret = secrets.token_hex(16)
    base_env = dict(os.environ)
    with ExitStack() as stack:
        chosen = demo_redis(load_settings().redis_url, embedded=args.embedded_redis)
        redis = stack.enter_context(chosen)
        say(f"Redis: {redis.label}; keys under {key_prefix}")
        emulator_env = base_env | {
            "ALIBABA_CLOUD_ACCESS_KEY_ID": DEMO_ACCESS_KEY_ID,
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": DEMO_ACCESS_KEY_SECRET,
        }
        argv = ["emulator", "--port", "0", "--second-region"]
        emulator = stack.enter_context(
            child("the cloud emulator", argv, emulator_env, EMULATOR_READY, more=1)
        )
        second = second_region(emulator.more[0])
        say(f"cloud emulator with the demo estate at {emulator.url} and {second[0]} at {second[1]}")
        seed_partial_access(emulator.url, REGION_ID, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET)
        say(f"try `/sg {CHECK_EXAMPLE}`: one of its two node pools is not authorized")
        local = stack.enter_context(LocalSlack())
        env = bot_environment(
            base_env,
            slack_api_url=local.base_url,
            bot_token=local.bot_token,
            signing_secret=signing_secret,
            redis_url=redis.url,
            key_prefix=key_prefix,
            emulator_url=emulator.url,
        ) | regions_environment(*second)
        bot = stack.enter_context(
            child("the bot", ["serve", "--host", "127.0.0.1", "--port", "0"], env, BOT_READY)
        )
        say(f"bot at {bot.url}, Slack Web API at {local.base_url}")
        return asyncio.run(
            _serve_sandbox(args.port, local, signing_secret, bot, emulator, second_url=second[1])
        )


async def _serve_sandbox(
    port: int,
    local: LocalSlack,
    signing_secret: str,
    bot: Child,
    emulator: Child,
    *,
    second_url: str,
) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    events = f"{bot.url}/slack/events"
    app = create_sandbox_app(local, signing_secret, events, emulator.url, (second_url,))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    bound = runner.addresses[0][1]
    print(f"sgbot demo listening on http://127.0.0.1:{bound}/", flush=True)
    say("open that address in a browser; Ctrl-C stops the demo")
    try:
        exited = await _first_exit(stop, bot, emulator)
    finally:
        await runner.cleanup()
    if exited is not None:
        say(f"{exited.name} exited with status {exited.process.returncode}; stopping")
        return 1
    return 0


async def _first_exit(stop: asyncio.Event, *children: Child) -> Child | None:
    """Wait for a stop signal (None) or for a child to exit (that child)."""
    while not stop.is_set():
        for watched in children:
            if watched.process.poll() is not None:
                return watched
        try:
            # Children are watched by polling: their exit is not an asyncio event.
            await asyncio.wait_for(stop.wait(), CHILD_WATCH_SECONDS)
        except TimeoutError:
            continue
    return None
