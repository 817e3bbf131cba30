"""The policy source a process runs with, built from the settings at start-up.

A policy file that does not validate stops start-up with the same lines ``sgbot policy check``
prints. With a file, ``SGBOT_SENSITIVE_PORTS`` and ``SGBOT_BROAD_PORTS`` are ignored, which a
start-up warning says when either is set. A serving process reports a broken reload to the
security channel, once across replicas for each broken version of the file.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_sdk.web.async_client import AsyncWebClient

from approvals.connect import RedisClient
from approvals.keys import Keys
from approvals.policy_file import PolicyFileError, default_policy, text_digest
from approvals.policy_source import PolicySource, Reporter
from bot.settings import Settings
from handlers.mrkdwn import escape
from vocabulary.errors import ConfigError

log = logging.getLogger(__name__)
REPORTED_TTL = timedelta(days=1)


def policy_source(settings: Settings, on_broken: Reporter | None = None) -> PolicySource:
    default = default_policy(settings.sensitive_ports, settings.broad_ports)
    path = settings.policy_file
    try:
        source = PolicySource(
            region=settings.region_id, default=default, path=path, on_broken=on_broken
        )
    except PolicyFileError as exc:
        raise ConfigError(f"SGBOT_POLICY_FILE: {exc}") from None
    ignored = {"sensitive_ports", "broad_ports"} & settings.model_fields_set
    if path is not None and ignored:
        names = ", ".join(sorted(Settings.model_fields[f].alias or f for f in ignored))
        log.warning("%s ignored: the policy file %s alone decides", names, path.name)
    policy = source.current()
    log.info(
        "policy %s: %d rules, hash %s, mode %s",
        policy.source, len(policy.document.rules), policy.digest, policy.document.mode,
    )  # fmt: skip
    return source


def channel_reporter(
    slack: AsyncWebClient, channel: str | None, redis: RedisClient, keys: Keys
) -> Reporter:
    """Post a broken reload to the security channel, once per broken text across replicas."""

    async def report(message: str) -> None:
        if channel is None:
            return
        first = await redis.set(
            keys.seen("policy-broken", text_digest(message)),
            "1",
            nx=True,
            ex=REPORTED_TTL,
        )
        if first:
            await slack.chat_postMessage(channel=channel, text=f":warning: {escape(message)}")

    return report


def serving_policy(
    settings: Settings, slack: AsyncWebClient, redis: RedisClient, keys: Keys
) -> PolicySource:
    """The policy of a serving process, which reports a broken reload to the channel."""
    reporter = channel_reporter(slack, settings.security_channel, redis, keys)
    return policy_source(settings, reporter)
