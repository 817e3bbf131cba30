"""Sampling a server under load with py-spy, and reading the samples back.

``sampled(pid, directory, name)`` runs ``py-spy record --format raw`` (collapsed stacks, one
line per distinct stack with its sample count) on ``pid`` for as long as the block runs, when
``directory`` is given; with ``gil`` only the thread holding the GIL is sampled, so threads
waiting on a socket drop out and the samples approximate CPU. ``python -m bench.profiling FILE
[--match TEXT]`` prints the frames with the largest inclusive share of the samples: where the
time goes, per function.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SAMPLE_RATE = 250  # per second; low enough to leave the server's speed nearly alone
STOP_TIMEOUT_SECONDS = 30.0


@contextmanager
def sampled(pid: int, directory: Path | None, name: str, *, gil: bool = False) -> Iterator[None]:
    if directory is None:
        yield
        return
    beside_python = Path(sys.executable).parent / "py-spy"
    binary = str(beside_python) if beside_python.exists() else shutil.which("py-spy")
    if binary is None:
        raise RuntimeError("py-spy is not installed: pip install py-spy")
    directory.mkdir(parents=True, exist_ok=True)
    output = directory / f"{name}.txt"
    command = [binary, "record", "--pid", str(pid), "--format", "raw", "--output", str(output)]
    recorder = subprocess.Popen(  # noqa: S603 - our own argv, no shell
        [*command, "--rate", str(SAMPLE_RATE), "--nonblocking", *(["--gil"] if gil else [])],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        recorder.send_signal(signal.SIGINT)
        recorder.wait(timeout=STOP_TIMEOUT_SECONDS)


def inclusive_shares(collapsed: str, match: str = "") -> tuple[int, Counter[str]]:
    """Total samples, and samples per frame counting each frame once per stack."""
    total = 0
    per_frame: Counter[str] = Counter()
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack:
            continue
        count = int(count_text)
        total += count
        frames = {frame for frame in stack.split(";") if match in frame}
        for frame in frames:
            per_frame[frame] += count
    return total, per_frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path)
    parser.add_argument("--match", default="", help="only frames whose text contains this")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    total, per_frame = inclusive_shares(args.file.read_text(), args.match)
    print(f"{total} samples")
    for frame, count in per_frame.most_common(args.top):
        print(f"{100 * count / total:6.1f}%  {frame}")


if __name__ == "__main__":
    main()
