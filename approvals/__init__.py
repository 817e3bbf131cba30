"""The approval workflow: requests, their state machine, the policy, and (beside them) storage.

``model``, ``machine``, ``policy``, ``ids`` and ``clock`` are the pure core: no I/O, time and
ids passed in. Nothing in this package imports Slack.
"""
