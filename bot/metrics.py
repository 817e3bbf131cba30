"""Prometheus metrics of one sgbot process, in a registry of its own.

A private ``CollectorRegistry`` (not the global default) means two apps in one test process
never collide and ``/metrics`` shows only what sgbot counts: Slack requests by outcome,
decisions, apply latency, cloud errors and undeliverable messages, counted by this process; and
gauges of the shared state in Redis (outbox and job backlog, jobs being redelivered, overdue
timers and grants, how long since a worker last asked for jobs), which ``bot.backlog`` reads
at scrape time, so every replica reports the same values (alert on their ``max``). The Slack
layer, the deliverer and the worker of one process hold the same ``Metrics``; a worker reports
apply latency and cloud errors as it meets them (``Metrics`` is its ``JobObserver``).
``docs/operations.md`` lists every metric and the alerts built on them.
"""

from __future__ import annotations

from enum import StrEnum

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

CONTENT_TYPE = CONTENT_TYPE_LATEST


class Outcome(StrEnum):
    """What became of one Slack request (command, mention, DM, click or form)."""

    ACCEPTED = "accepted"  # stored for the worker, or answered
    DUPLICATE = "duplicate"  # a retry or second event for an intake already stored
    USAGE = "usage"  # not a command; told what to type
    REFUSED = "refused"  # the policy said no
    FAILED = "failed"  # an unexpected error; the person got an incident id


class Metrics:
    """The counters sgbot exports; ``render()`` is the ``/metrics`` body."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "sgbot_slack_requests",
            "Slack requests handled, by kind and outcome",
            ["kind", "outcome"],
            registry=self.registry,
        )
        self.decisions = Counter(
            "sgbot_decisions",
            "Approve and deny clicks recorded on pending requests",
            ["verdict"],
            registry=self.registry,
        )
        self.apply_seconds = Histogram(
            "sgbot_apply_seconds",
            "Time from a worker taking an apply job to the applied or failed outcome",
            buckets=(0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900),
            registry=self.registry,
        )
        self.cloud_errors = Counter(
            "sgbot_cloud_errors",
            "Cloud errors that failed an apply or kept a grant's rules in place, by error code",
            ["code"],
            registry=self.registry,
        )
        self.outbox_depth = Gauge(
            "sgbot_outbox_depth",
            "Notifications waiting in the outbox for delivery to Slack",
            registry=self.registry,
        )
        self.jobs_waiting = Gauge(
            "sgbot_jobs_waiting",
            "Jobs in the queue not yet finished (waiting or being worked on)",
            registry=self.registry,
        )
        self.jobs_redelivered = Gauge(
            "sgbot_jobs_redelivered",
            "Unfinished jobs handed out more than once: a worker failed or died on them",
            registry=self.registry,
        )
        self.timers_overdue = Gauge(
            "sgbot_timers_overdue",
            "Timers due more than a minute ago that no worker has taken, by kind",
            ["kind"],
            registry=self.registry,
        )
        self.grants_overdue = Gauge(
            "sgbot_grants_overdue",
            "Time-bound grants still in place more than two minutes after their end",
            registry=self.registry,
        )
        self.worker_idle = Gauge(
            "sgbot_worker_idle_seconds",
            "Seconds since the most recent worker heartbeat (+Inf: none in the last day)",
            registry=self.registry,
        )
        self.delivered = Counter(
            "sgbot_delivered_messages",
            "Notifications delivered to Slack, by kind",
            ["kind"],
            registry=self.registry,
        )
        self.undeliverable = Counter(
            "sgbot_undeliverable_messages",
            "Notifications Slack would not take after every retry",
            ["kind"],
            registry=self.registry,
        )

        self.drift_items = Counter(
            "sgbot_drift_items",
            "Drift items found and posted for the first time, by kind",
            ["kind"],
            registry=self.registry,
        )

    def drift_found(self, kind: str) -> None:
        self.drift_items.labels(kind=kind).inc()

    def count_request(self, kind: str, outcome: Outcome) -> None:
        self.requests.labels(kind=kind, outcome=outcome.value).inc()

    def apply_finished(self, seconds: float) -> None:
        self.apply_seconds.observe(seconds)

    def cloud_failed(self, code: str) -> None:
        self.cloud_errors.labels(code=code).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
