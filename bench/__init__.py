"""Benchmarks of sgbot against local stand-ins for Slack, Alibaba Cloud and Redis.

Each module runs as ``python -m bench.<name>``, prints one JSON document and then a one-line
summary; ``docs/benchmarks.md`` has the figures, the machine and how to reproduce them.
"""
