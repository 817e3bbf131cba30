"""The bolt ``AsyncApp``: built from settings and dependencies, never at import.

``build_app`` creates the app with the bot token, the signing secret (request verification on
in HTTP mode; Socket Mode has no signatures) and the shared ``AsyncWebClient``, registers each
handler module and installs the one error handler. Unhandled requests (an event or action we
have no listener for) are answered 200, because a 404 makes Slack retry the same delivery.
An unexpected error is logged with an incident id, which is also what the person is told.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.response import BoltResponse

from approvals.ids import new_incident_id
from bot.deps import Deps
from bot.errors import UserError
from bot.metrics import Outcome
from bot.settings import Settings
from handlers import actions, commands, home, pagers, views
from handlers.block_parts import message, section
from handlers.replies import direct_message, respond

log = logging.getLogger(__name__)


def build_app(settings: Settings, deps: Deps, *, socket_mode: bool = False) -> AsyncApp:
    signing_secret = settings.slack_signing_secret
    app = AsyncApp(
        client=deps.slack,
        signing_secret=signing_secret.get_secret_value() if signing_secret else None,
        request_verification_enabled=not socket_mode,
        raise_error_for_unhandled_request=True,
        logger=logging.getLogger("sgbot.bolt"),
    )
    for module in (commands, actions, pagers, views, home):
        module.register(app, deps)

    @app.error
    async def on_error(
        error: Exception, body: dict[str, Any], response: BoltResponse | None
    ) -> BoltResponse | None:
        if isinstance(error, BoltUnhandledRequestError):
            return BoltResponse(status=200, body="")
        kind = str(body.get("type") or body.get("command") or "request")
        user_id = _user_of(body)
        if isinstance(error, UserError):
            deps.metrics.count_request(kind, Outcome.REFUSED)
            text = str(error)
        else:
            incident = new_incident_id()
            deps.metrics.count_request(kind, Outcome.FAILED)
            log.error(
                "incident %s: %s from user %s failed", incident, kind, user_id, exc_info=error
            )
            text = f"Something went wrong on our side; nothing was changed. Incident {incident}."
        if response is not None:
            return BoltResponse(status=200, body=text)
        # The listener failed after its ack had already answered Slack: the only way left to
        # tell the person is a private message of our own.
        await _tell_after_ack(deps, body, user_id, text)
        return None

    return app


async def _tell_after_ack(deps: Deps, body: dict[str, Any], user_id: str, text: str) -> None:
    note = message(text, [section(text)], emulated=deps.emulated)
    try:
        response_url = body.get("response_url")
        if response_url and await respond(str(response_url), note):
            return
        if user_id != "unknown":
            await direct_message(deps.slack, user_id, note)
    except Exception:  # the person cannot be reached now; the incident is in the log
        log.exception("could not tell user %s about a failed request", user_id)


def _user_of(body: dict[str, Any]) -> str:
    user = body.get("user")
    if isinstance(user, dict):
        return str(user.get("id"))
    event = body.get("event")
    if isinstance(event, dict) and event.get("user"):
        return str(event["user"])
    return str(body.get("user_id") or user or "unknown")
