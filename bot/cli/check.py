"""``sgbot check "gateway prod-gw to service orders"``: the connectivity doctor for runbooks and CI.

Prints the diagnosis as one JSON document on standard output and its verdict on standard
error. Exit status: 0 reachable as far as security groups go, 1 blocked (or no endpoints), 2 a
usage error (text that is not a check, or a gateway, service or group that is not there: the
message says what to type), 3 the cloud could not be asked (credentials, permissions,
throttling, an outage). The text is read with or without the leading word ``check``. A
gateway is looked for in every region of ``SGBOT_REGIONS`` (``gateway prod-gw in cn-shanghai``
picks one). It reads only; nothing in the cloud changes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.cloud.doctor_model import Diagnosis
    from bot.settings import Settings
    from vocabulary.commands import Check

REACHABLE_STATUS = 0
BLOCKED_STATUS = 1
USAGE_STATUS = 2
CLOUD_STATUS = 3


SUMMARY = "say whether a gateway can reach a backend, as JSON (exit 0 reachable, 1 blocked)"
DESCRIPTION = (
    "Diagnose whether the gateway's security group authorizations let it reach "
    "the target, per endpoint and port. Exit 0 reachable, 1 blocked, 2 usage error, 3 the "
    "cloud could not be asked."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", help='e.g. "gateway prod-gw to service orders" (on PORTS optional)')


def command_text(text: str) -> str:
    stripped = text.strip()
    first = stripped.split(maxsplit=1)[:1]
    return stripped if [w.casefold() for w in first] == ["check"] else f"check {stripped}"


def run(args: argparse.Namespace) -> int:
    from bot import catalogue
    from bot.cli.serve import load_and_log
    from bot.grammar import read_command
    from vocabulary.commands import Check
    from vocabulary.errors import CloudError, IncompleteCommand, InvalidInput, NotFound, UsageError

    settings = load_and_log(level=logging.WARNING)
    # Runbooks and CI read this output: it keeps English whatever Slack readers are answered in.
    catalogue.use("en")
    try:
        command = read_command(command_text(args.text)).command
    except (UsageError, IncompleteCommand) as exc:
        print(f"usage error: {exc}", file=sys.stderr)
        return USAGE_STATUS
    if not isinstance(command, Check):  # pragma: no cover - the word check is always first
        print("usage error: not a check", file=sys.stderr)
        return USAGE_STATUS
    try:
        diagnosis = asyncio.run(_check(settings, command))
    except (NotFound, InvalidInput) as exc:
        print(f"usage error: {exc}", file=sys.stderr)
        return USAGE_STATUS
    except CloudError as exc:
        print(f"cloud error: {exc}", file=sys.stderr)
        return CLOUD_STATUS
    print(json.dumps(diagnosis.document(), indent=2, ensure_ascii=False))
    print(diagnosis.verdict, file=sys.stderr)
    for cause in diagnosis.causes:
        print(f"{cause.kind.value}: {cause.text}", file=sys.stderr)
    return REACHABLE_STATUS if diagnosis.reachable else BLOCKED_STATUS


async def _check(settings: Settings, command: Check) -> Diagnosis:
    import os

    from bot.cloud.doctor import check_regions
    from bot.cloud.factory import build_cloud
    from bot.cloud.regions import RegionalClouds, regional_settings

    environ = dict(os.environ)
    clouds = RegionalClouds(
        settings.served_regions,
        lambda region: build_cloud(regional_settings(settings, region, environ)),
    )
    return await check_regions(clouds, command)
