"""``sgbot policy``: check a policy file, print the built-in default, explain a ruling.

``check FILE`` prints one line per problem with its location and exits 1, or a summary and
exits 0, so teams can run it in their own CI. ``default`` prints the built-in rules (from
``SGBOT_SENSITIVE_PORTS`` and ``SGBOT_BROAD_PORTS``) as a file to start from. ``explain TEXT
--as U…`` prints which rule of ``SGBOT_POLICY_FILE`` (or ``--file``) would decide, resolving
the target through the cloud unless ``--offline``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from approvals.policy_rules import Facts
    from bot.settings import Settings
    from vocabulary.commands import Authorize

PROBLEM_STATUS = 1
USAGE_STATUS = 2


SUMMARY = "check a policy file, print the default policy, or explain a ruling"
DESCRIPTION = "Work with the policy file that decides what needs approval."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="policy_action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="validate a policy file (exit 0 or 1)")
    check.add_argument("file", type=Path)
    check.set_defaults(func=run_check)
    default = actions.add_parser("default", help="print the built-in policy as a file")
    default.set_defaults(func=run_default)
    explain = actions.add_parser("explain", help="say which rule would decide a request")
    explain.add_argument("text", help='e.g. "authorize gateway staging-gw to sg-1 on 8080 for 4h"')
    explain.add_argument("--as", dest="user", required=True, help="the requester's user id")
    explain.add_argument(
        "--group", action="append", default=[], help="a user group the requester is in"
    )
    explain.add_argument("--verb", choices=["authorize", "extend"], default="authorize")
    explain.add_argument("--file", type=Path, help="instead of SGBOT_POLICY_FILE")
    explain.add_argument("--offline", action="store_true", help="match only what is typed")
    explain.set_defaults(func=run_explain)


def run_check(args: argparse.Namespace) -> int:
    from approvals.policy_file import PolicyFileError
    from approvals.policy_source import read_policy_file

    try:
        policy = read_policy_file(args.file)
    except PolicyFileError as exc:
        for problem in exc.problems:
            print(f"{args.file}: {problem}")
        return PROBLEM_STATUS
    rules = len(policy.document.rules)
    print(f"{args.file}: ok, {rules} rules, hash {policy.digest}, mode {policy.document.mode}")
    return 0


def run_default(args: argparse.Namespace) -> int:
    from approvals.policy_file import default_policy_yaml
    from bot.settings import load_settings

    settings = load_settings()
    print(default_policy_yaml(settings.sensitive_ports, settings.broad_ports), end="")
    return 0


def run_explain(args: argparse.Namespace) -> int:
    from approvals.policy_explain import explain_lines
    from approvals.policy_file import PolicyFileError, Verb, default_policy
    from approvals.policy_rules import authorize_facts
    from approvals.policy_source import read_policy_file
    from bot.grammar import read_command
    from bot.settings import load_settings
    from vocabulary.commands import Authorize
    from vocabulary.errors import IncompleteCommand, UsageError

    settings = load_settings()
    path = args.file or settings.policy_file
    try:
        policy = (
            read_policy_file(path)
            if path is not None
            else default_policy(settings.sensitive_ports, settings.broad_ports)
        )
    except PolicyFileError as exc:
        for problem in exc.problems:
            print(f"{path}: {problem}", file=sys.stderr)
        return PROBLEM_STATUS
    try:
        command = read_command(args.text, max_duration=settings.max_duration).command
    except (UsageError, IncompleteCommand) as exc:
        print(f"usage error: {exc}", file=sys.stderr)
        return USAGE_STATUS
    if not isinstance(command, Authorize):
        print('usage error: explain an authorize, e.g. "authorize gateway gw to sg-1 on 8080"')
        return USAGE_STATUS
    facts = authorize_facts(
        command,
        region=settings.region_id,
        requester_id=args.user,
        verb=Verb(args.verb),
        requester_groups=frozenset(args.group),
    )
    if args.offline:
        print("offline: matching only what was typed (rules on resolved groups cannot match)")
    else:
        facts, how = asyncio.run(_resolved(settings, command, facts))
        print(how)
    for line in explain_lines(policy, facts):
        print(line)
    return 0


async def _resolved(settings: Settings, command: Authorize, facts: Facts) -> tuple[Facts, str]:
    from approvals.policy_explain import resolve_facts
    from bot.deps import cloud_for as worker_cloud
    from vocabulary.errors import SgbotError

    try:
        cloud = worker_cloud(settings)
    except SgbotError as exc:
        return facts, f"could not reach the cloud ({exc}); matching what was typed"
    return await resolve_facts(cloud, command, facts)
