"""The words every layer shares: the typed commands, the error tree and durations.

A leaf: it imports nothing of sgbot's, so the entry, the Slack handlers, the workflow, the
cloud and the grammar can all use it without an import pointing upward.
"""
