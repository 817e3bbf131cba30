"""Slack request signatures checked against every signing secret in force.

Slack lets an app regenerate its signing secret; until every replica has the new one, requests
arrive signed with either. ``SLACK_SIGNING_SECRET`` may therefore hold two secrets separated by
a comma, and a request is genuine when it is signed with any of them (each compared in constant
time by slack_sdk's ``SignatureVerifier``, which also refuses timestamps older than five
minutes). ``RotatingRequestVerification`` is bolt's request verification middleware with that
verifier, installed where bolt's own would run; with no secret at all it refuses everything.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_bolt.middleware.request_verification.async_request_verification import (
    AsyncRequestVerification,
)
from slack_sdk.signature import SignatureVerifier


class AnySecretVerifier(SignatureVerifier):
    """Valid when any one of ``secrets`` produced the signature."""

    def __init__(self, secrets: Sequence[str]) -> None:
        super().__init__(signing_secret=secrets[0] if secrets else "")
        self._each = [SignatureVerifier(signing_secret=secret) for secret in secrets]

    def is_valid(self, body: str | bytes, timestamp: str | None, signature: str | None) -> bool:
        return any(verifier.is_valid(body, timestamp, signature) for verifier in self._each)


class RotatingRequestVerification(AsyncRequestVerification):
    """Bolt's request verification, accepting a signature made with any of ``secrets``."""

    def __init__(self, secrets: Sequence[str]) -> None:
        super().__init__(secrets[0] if secrets else "")
        self._any = AnySecretVerifier(secrets)

    @property
    def verifier(self) -> SignatureVerifier:
        return self._any
