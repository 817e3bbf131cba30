"""An approver denying a request in a proof run: the Deny button, then the reason form."""

from __future__ import annotations

from typing import Any

from handlers.ids import ActionId, BlockId
from standins.slack.directory import APPROVER_IDS
from tests.proof.harness import CLICK_ATTEMPTS, DECISION_SECONDS, ProofCluster
from tests.slack.scenario import click


def deny(
    cluster: ProofCluster, request_id: str, reason: str, approver: str = APPROVER_IDS[0]
) -> None:
    """Click Deny and submit the reason form; again, like approving, if it did not take."""
    card = cluster.wait_for_card(request_id)
    reason_value = {"type": "plain_text_input", "value": reason}
    state: dict[str, Any] = {BlockId.DENY_REASON: {ActionId.DENY_REASON_INPUT: reason_value}}
    for _ in range(CLICK_ATTEMPTS):
        views_before = len(cluster.slack.views(approver))

        def new_forms(seen: int = views_before) -> list[dict[str, Any]]:
            return cluster.slack.views(approver)[seen:]

        try:
            click(cluster.signer, cluster.next_url(), approver, card, ActionId.DENY)
            forms = cluster.slack.wait_for(new_forms, DECISION_SECONDS)
            cluster.post(cluster.signer.view_submission(approver, forms[-1], state))
        except (OSError, TimeoutError):
            pass  # no form, or the replica died: the approver tries again
        if cluster.leaves_pending(request_id):
            return
        cluster.count_repeated_click()
    raise AssertionError(f"{request_id} stayed pending after {CLICK_ATTEMPTS} denials")
