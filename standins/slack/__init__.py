"""A local Slack for tests and the demo: a Web API server that answers as Slack does, and a
signer that sends an app requests exactly as Slack would.

``LocalSlack`` serves the Web API (``base_url`` for ``AsyncWebClient(base_url=...)`` or
``SLACK_API_URL``), response URLs and a ``/_local/`` admin API, records every call and keeps
the resulting workspace state (messages, ephemerals, modals, App Home); over Socket Mode it
sends envelopes to a connected app and records the acks. ``SlackSigner`` builds
signed slash commands, interactivity payloads and Events API deliveries for the directory the
server knows (``demo_directory()`` by default); ``SlackRequests``, its base, builds the payloads
for any other delivery.
"""

from standins.slack.directory import Channel, Directory, SlackUser, UserGroup, demo_directory
from standins.slack.requests import InteractionSource, SlackRequests
from standins.slack.server import DEFAULT_APP_TOKEN, DEFAULT_BOT_TOKEN, LocalSlack
from standins.slack.signer import SignedRequest, SlackSigner
from standins.slack.socket_mode import NoSocketConnection, SocketAck
from standins.slack.workspace import RecordedCall

__all__ = [
    "DEFAULT_APP_TOKEN",
    "DEFAULT_BOT_TOKEN",
    "Channel",
    "Directory",
    "InteractionSource",
    "LocalSlack",
    "NoSocketConnection",
    "RecordedCall",
    "SignedRequest",
    "SlackRequests",
    "SlackSigner",
    "SlackUser",
    "SocketAck",
    "UserGroup",
    "demo_directory",
]
