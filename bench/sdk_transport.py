"""CPU and connections per cloud call: the SDK's ``*_async`` transport against the pooled one.

sgbot runs the SDK's blocking methods on a thread pool (``bot.cloud.aliyun_transport``) rather
than their ``*_async`` twins; this measures why. ``--calls`` sequential ``ListGateway`` calls
go through each transport, over HTTP straight to the emulator and over HTTPS through
``bench.tls_proxy`` (a throwaway certificate made with ``openssl``, trusted through the CA
bundle the SDK is given: certifi's bundle plus that certificate, as large as production's).
Reported per transport and protocol: this process's CPU per call, wall time per call, and how
many connections the emulator saw.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import certifi
from alibabacloud_mse20190531 import models as mse_models
from darabonba.runtime import RuntimeOptions

from bench import processes
from bench.stats import emit
from bot.cloud.aliyun_transport import ClientSettings, build_clients, static_credential

TRANSPORTS = ("async", "pooled")


@contextmanager
def tls_front(emulator: processes.EmulatorAdmin) -> Iterator[tuple[str, str]]:
    """(endpoint, CA bundle path) of a TLS proxy in front of ``emulator``."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise RuntimeError("openssl is not installed (apt-get install openssl)")
    with tempfile.TemporaryDirectory(prefix="sgbot-bench-tls-") as directory:
        cert, key, bundle = (str(Path(directory, name)) for name in ("c.pem", "k.pem", "ca.pem"))
        request = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        subject = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        subprocess.run(  # noqa: S603 - the installed openssl, fixed arguments
            [openssl, *request, "-keyout", key, "-out", cert, *subject],
            check=True,
            capture_output=True,
        )
        Path(bundle).write_text(Path(certifi.where()).read_text() + Path(cert).read_text())
        port = emulator.endpoint.rsplit(":", 1)[1]
        command = processes.python_module("bench.tls_proxy", cert, key, port)
        with processes.child(command, "tls proxy listening on ", {}) as proxy:
            yield proxy.url.removeprefix("https://"), bundle


async def measure(
    emulator: processes.EmulatorAdmin, endpoint: str, protocol: str, ca: str | None, calls: int
) -> dict[str, Any]:
    clients = build_clients(
        ClientSettings(
            region_id=processes.REGION_ID,
            endpoints=dict.fromkeys(("mse", "ecs", "cs"), endpoint),
            protocol=protocol,
            credential=static_credential(processes.EMULATOR_KEY_ID, processes.EMULATOR_KEY_SECRET),
            connect_timeout_ms=5000,
            read_timeout_ms=10000,
        )
    )
    request = mse_models.ListGatewayRequest(page_number=1, page_size=10)
    runtime = RuntimeOptions(ca=ca)
    loop = asyncio.get_running_loop()
    pool = ThreadPoolExecutor(1)
    results: dict[str, Any] = {}
    for transport in TRANSPORTS:

        async def call(transport: str = transport) -> None:
            if transport == "async":
                await clients.mse.list_gateway_with_options_async(request, runtime)
            else:
                blocking = partial(clients.mse.list_gateway_with_options, request, runtime)
                await loop.run_in_executor(pool, blocking)

        await call()  # imports, sessions and the first connection are not what is measured
        emulator.call("DELETE", "calls")
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(calls):
            await call()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        results[transport] = {
            "cpu_ms_per_call": round(cpu / calls * 1000, 3),
            "wall_ms_per_call": round(wall / calls * 1000, 3),
            "connections": emulator.call("GET", "connections")["connections"],
        }
    pool.shutdown()
    return results


def run(args: argparse.Namespace) -> dict[str, Any]:
    with processes.emulator() as emulator:
        http = asyncio.run(measure(emulator, emulator.endpoint, "http", None, args.calls))
        with tls_front(emulator) as (endpoint, bundle):
            https = asyncio.run(measure(emulator, endpoint, "https", bundle, args.calls))
    return {"benchmark": "sdk_transport", "calls": args.calls, "http": http, "https": https}


def summary(result: dict[str, Any]) -> str:
    parts = []
    for protocol in ("http", "https"):
        for transport in TRANSPORTS:
            figures = result[protocol][transport]
            parts.append(
                f"{protocol} {transport}: {figures['cpu_ms_per_call']} ms CPU/call, "
                f"{figures['connections']} connections"
            )
    return "sdk_transport: " + "; ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=100, help="calls per transport and protocol")
    result = run(parser.parse_args())
    emit(result, summary(result))


if __name__ == "__main__":
    main()
