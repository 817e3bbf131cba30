"""The local Slack in a process of its own, and the workspace the benchmarks share.

Run as ``python -m bench.slack_process --users N``: it serves ``LocalSlack`` on a free
loopback port over ``bench_directory(N)`` (the demo workspace plus N developers, so load comes
from many distinct users) and prints ``local slack listening on http://127.0.0.1:PORT``. Its
own process keeps the Web API work (cards, replies) off the load generator's interpreter.
Drivers use its ``/_local/`` admin API; ``bench_signer`` signs requests for the same workspace.
"""

from __future__ import annotations

import argparse
import signal
import threading
from types import FrameType

from standins.slack import LocalSlack, SlackSigner
from standins.slack.directory import DEV_CHANNEL_ID, Directory, SlackUser, demo_directory

BENCH_USER_PREFIX = "U0BENCH"


def bench_user_ids(users: int) -> list[str]:
    return [f"{BENCH_USER_PREFIX}{number:05d}" for number in range(users)]


def bench_directory(users: int) -> Directory:
    """The demo workspace plus ``users`` developers, all members of the dev channel."""
    demo = demo_directory()
    developers = tuple(
        SlackUser(id=user_id, team_id=demo.team_id, name=user_id.lower(), real_name=user_id)
        for user_id in bench_user_ids(users)
    )
    channels = tuple(
        channel.model_copy(update={"members": (*channel.members, *bench_user_ids(users))})
        if channel.id == DEV_CHANNEL_ID
        else channel
        for channel in demo.channels
    )
    return demo.model_copy(update={"users": (*demo.users, *developers), "channels": channels})


def bench_signer(users: int, signing_secret: str) -> SlackSigner:
    """A signer for ``bench_directory(users)``; callers pass response URLs explicitly."""
    return SlackSigner(signing_secret, bench_directory(users))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=50, help="extra developers in the workspace")
    args = parser.parse_args()
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with LocalSlack(directory=bench_directory(args.users)) as slack:
        print(f"local slack listening on {slack.origin}", flush=True)
        stop.wait()


if __name__ == "__main__":
    main()
