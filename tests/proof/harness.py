"""A multi-process sgbot deployment for the proof suites: replicas, local Slack, emulator, Redis.

``ProofCluster`` runs any number of ``sgbot serve`` replicas that share one Redis (whatever
topology the test gives), one local Slack and one cloud emulator, and drives them the way people
would: slash commands spread round-robin over the replicas, clicks on the approval cards, modal
submissions. It remembers every request id a replica acknowledged, which is what the
invariants (``tests.proof.invariants``) later hold the deployment to. Replicas can be killed
with SIGKILL and replaced at any moment; requests go only to replicas that are alive.
"""

from __future__ import annotations

import itertools
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from redis.exceptions import RedisError

from approvals.model import RequestState
from handlers.ids import ActionId
from standins.slack import LocalSlack, SlackSigner
from standins.slack.directory import APPROVER_IDS, DEV_CHANNEL_ID, DEVELOPER_ID
from tests.fixtures.emulator import EmulatorHandle
from tests.fixtures.sgbot_process import SgbotProcess, launch
from tests.proof.invariants import (
    Acked,
    cloud_problems,
    end_bound,
    late_grants,
    lost_or_stuck,
    preexisting_rules_deleted,
    record_summary,
    stored_request,
    stored_requests,
    untold,
)
from tests.slack.scenario import button_value, card_of, click, slash_answer, text_of
from vocabulary.commands import REQUEST_ID_RE

PROD_GW = "prod-gw"
PROD_GW_ID = "gw-5f0c6a1e2b3d4c5e8f9a0b1c2d3e4f50"
PROD_GW_GROUP = "sg-gwprod0001"
GATEWAY_GROUPS = {
    PROD_GW_ID: PROD_GW_GROUP,
    "gw-0a1b2c3d4e5f60718293a4b5c6d7e8f9": "sg-gwstaging01",
}
BACKEND_GROUP = "sg-legacyapp01"  # a raw group target: one MSE rule per port, nothing to resolve
SETTLE_SECONDS = 120.0
CARD_SECONDS = 60.0  # a 30 s Slack outage plus the deliverer's backoff fits well inside
SETTLE_POLL_SECONDS = 0.5
DECISION_SECONDS = 8.0  # how long an approver waits for a click to show before clicking again
CLICK_ATTEMPTS = 6

# Low limits so a test sees takeovers in seconds; a high rate limit so volume is never refused.
PROOF_SETTINGS = {
    "SGBOT_RATE_LIMIT": "100000",
    "SGBOT_QUERY_RATE_LIMIT": "100000",
    "SGBOT_JOB_CLAIM_IDLE": "2s",
}


def authorize_text(port: int, target: str = BACKEND_GROUP, duration: str | None = None) -> str:
    """A change request for one port: distinct ports make distinct rules and fingerprints."""
    text = f"authorize gateway {PROD_GW} to {target} on {port}"
    return f"{text} for {duration}" if duration else text


def request_id_in(answer: str) -> str | None:
    match = REQUEST_ID_RE.search(answer)
    return match.group(0) if match else None


@dataclass
class ProofCluster:
    """Replicas of ``sgbot serve`` on one Redis, and what was asked of them."""

    env: dict[str, str]
    slack: LocalSlack
    emulator: EmulatorHandle
    signer: SlackSigner
    replicas: list[SgbotProcess] = field(default_factory=list)
    acked: dict[str, Acked] = field(default_factory=dict)
    retired: list[SgbotProcess] = field(default_factory=list)
    repeated_clicks: int = 0
    card_seconds: float = CARD_SECONDS
    redis_down_seconds: float = 0.0  # added up by tests that take Redis away
    _turn: Iterator[int] = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def prefix(self) -> str:
        return self.env["SGBOT_KEY_PREFIX"]

    @property
    def redis_url(self) -> str:
        return self.env["REDIS_URL"]

    def start_replica(self, *args: str) -> SgbotProcess:
        replica = launch(self.env, *args)
        with self._lock:
            self.replicas.append(replica)
        return replica

    def kill(self, replica: SgbotProcess) -> None:
        """SIGKILL, as a crashed node or an OOM kill would: no shutdown, nothing flushed."""
        with self._lock:
            self.replicas.remove(replica)
            self.retired.append(replica)
        replica.process.send_signal(signal.SIGKILL)
        replica.process.wait()

    def next_url(self) -> str:
        with self._lock:
            replica = self.replicas[next(self._turn) % len(self.replicas)]
        return replica.events_url

    def post(self, request: Any) -> tuple[int, str]:
        """Send a signed request to the next live replica; status 0 if the connection broke."""
        try:
            status, body = request.post(self.next_url(), timeout=15)
        except OSError:
            return 0, ""  # the replica was killed under the request: nothing was acknowledged
        return int(status), str(body)

    def submit(self, text: str, user: str = DEVELOPER_ID) -> str | None:
        """Send ``/sg text``; the acknowledged request id, remembered, or None if none was made."""
        response_url = self.slack.new_response_url(user, DEV_CHANNEL_ID)
        command = self.signer.slash_command(user, DEV_CHANNEL_ID, text, response_url=response_url)
        status, body = self.post(command)
        assert status in {0, 200}, f"slash command answered {status}: {body[:200]}"
        request_id = request_id_in(slash_answer(body))
        if request_id is not None and "received" in body:
            with self._lock:
                self.acked[request_id] = Acked(user, response_url)
            return request_id
        return None

    def card(self, request_id: str) -> dict[str, Any] | None:
        return card_of(self.slack, request_id)

    def wait_for_card(self, request_id: str, within: float | None = None) -> dict[str, Any]:
        def approvable() -> dict[str, Any] | None:
            card = self.card(request_id)
            return card if card is not None and button_value(card, ActionId.APPROVE) else None

        card = self.slack.wait_for(approvable, within or self.card_seconds)
        assert card is not None  # wait_for returns only a truthy value
        return card

    def approve(self, request_id: str, approver: str = APPROVER_IDS[0]) -> int:
        """Click Approve as a person would: again if the decision did not take."""
        return self._click_until_decided(self.wait_for_card(request_id), request_id, approver)

    def approve_if_carded(self, request_id: str, *, decide: bool = True) -> bool:
        """Approve once the card is up (only wait for it if not ``decide``); False if the
        request was rejected before approval."""
        rejected_mark = f"{request_id}` was not sent for approval"
        asked = self.acked[request_id]

        def card_or_rejection() -> dict[str, Any] | bool:
            card = self.card(request_id)
            if card is not None and button_value(card, ActionId.APPROVE):
                return card
            notes = self.slack.responses(asked.response_url)
            return any(rejected_mark in text_of(note) for note in notes)

        found = self.slack.wait_for(card_or_rejection, self.card_seconds)
        if not isinstance(found, dict):
            return False
        if not decide:
            return True
        status = self._click_until_decided(found, request_id, APPROVER_IDS[0])
        assert status in {0, 200}, f"the approve click answered {status}"
        return True

    def _click_until_decided(self, card: dict[str, Any], request_id: str, approver: str) -> int:
        """Click; if the request is still pending a while later, the click was lost: again.

        A lost click is one the bot acknowledged but could not record (Redis or Slack away);
        the approver sees an unchanged card and clicks again. Each repeat is counted.
        """
        for _ in range(CLICK_ATTEMPTS):
            try:
                status = click(self.signer, self.next_url(), approver, card, ActionId.APPROVE)[0]
            except OSError:
                status = 0  # the replica died under the click; it may or may not have counted
            if self.leaves_pending(request_id):
                return status
            self.count_repeated_click()
        raise AssertionError(f"{request_id} stayed pending after {CLICK_ATTEMPTS} approvals")

    def count_repeated_click(self) -> None:
        with self._lock:
            self.repeated_clicks += 1

    def leaves_pending(self, request_id: str) -> bool:
        deadline = time.monotonic() + DECISION_SECONDS
        while time.monotonic() < deadline:
            try:
                request = stored_request(self.redis_url, self.prefix, request_id)
            except RedisError:
                request = None  # the tests break Redis on purpose; ask again
            if request is not None and request.state is not RequestState.PENDING:
                return True
            time.sleep(SETTLE_POLL_SECONDS / 2)
        return False

    def request_and_approve(self, ports: Iterable[int], parallel: int = 8) -> list[str]:
        """Ask for each port at once (``parallel`` at a time), then approve every card."""
        with ThreadPoolExecutor(max_workers=parallel) as pool:
            ids = [i for i in pool.map(lambda port: self.submit(authorize_text(port)), ports) if i]
            list(pool.map(self.approve_if_carded, ids))
        return ids

    def card_text(self, request_id: str) -> str:
        card = self.card(request_id)
        return "" if card is None else text_of(card)

    def wait_until(self, predicate: Callable[[], Any], within: float = SETTLE_SECONDS) -> Any:
        return self.slack.wait_for(predicate, within)

    def at_slack_calls(self, traffic: Future[Any], calls: int) -> bool:
        """Wait until the run has made ``calls`` Slack calls; False if ``traffic`` ended first."""
        self.wait_until(lambda: len(self.slack.calls()) >= calls or traffic.done())
        return not traffic.done()

    def problems(self, baseline: dict[str, Any]) -> list[str]:
        """Every invariant violation in the deployment as it is now."""
        requests = stored_requests(self.redis_url, self.prefix)
        state = self.emulator.state()
        return [
            *lost_or_stuck(self.acked, requests),
            *cloud_problems(baseline, state, requests, GATEWAY_GROUPS),
            *untold(self.slack, self.acked, requests),
            *late_grants(requests, datetime.now(UTC), end_bound(self))[0],
            *preexisting_rules_deleted(baseline, state),
        ]

    def settle(self, baseline: dict[str, Any], within: float = SETTLE_SECONDS) -> list[str]:
        """Wait until no invariant is violated; what is still violated after ``within``."""
        deadline = time.monotonic() + within
        while (problems := self.problems(baseline)) and time.monotonic() < deadline:
            time.sleep(SETTLE_POLL_SECONDS)  # each check reads the whole store; poll gently
        return problems

    def states(self) -> Counter[str]:
        requests = stored_requests(self.redis_url, self.prefix)
        return Counter(requests[i].state.value for i in self.acked if i in requests)

    def record(self, name: str, problems: list[str], **figures: Any) -> None:
        """Write the run's figures, with what every run reports, to the proof summary."""
        record_summary(
            name,
            {
                **figures,
                "requests_acknowledged": len(self.acked),
                "final_states": dict(self.states()),
                "repeated_approve_clicks": self.repeated_clicks,
                "invariant_violations": len(problems),
                "violations": problems[:20],
            },
        )

    def stop(self) -> None:
        for replica in [*self.replicas, *self.retired]:
            replica.stop()
            # Captured by pytest, so it shows only in the report of a failed test.
            sys.stderr.write(f"--- sgbot log ---\n{replica.log()[-20000:]}\n")
            replica.log_file.close()
        self.replicas.clear()
        self.retired.clear()


def proof_cluster(
    base_env: dict[str, str],
    slack: LocalSlack,
    emulator: EmulatorHandle,
    signer: SlackSigner,
    **overrides: str,
) -> ProofCluster:
    """A cluster whose replicas get ``base_env`` plus the proof settings and ``overrides``."""
    env = {**base_env, **PROOF_SETTINGS, **overrides}
    return ProofCluster(env=env, slack=slack, emulator=emulator, signer=signer)
