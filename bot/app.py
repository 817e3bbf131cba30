"""The bolt ``AsyncApp``: built from settings and dependencies, never at import.

``build_app`` creates the app with the bot token, request verification (HTTP mode only; Socket
Mode has no signatures) and the shared ``AsyncWebClient``, registers each handler module and
installs the one error handler. Verification accepts a request signed with any secret in
``SLACK_SIGNING_SECRET`` (two during a rotation, ``bot.signatures``) and runs where bolt's own
would, before authorization and every listener. One middleware (``handlers.middleware``) binds
the log context of each Slack request and hands listeners the process's dependencies.
Unhandled requests (an event or action we have no listener for) are answered 200, because a 404
makes Slack retry the same delivery. An unexpected error is logged with an incident id, which is
also what the person is told.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.response import BoltResponse

from approvals.ids import new_incident_id
from bot import catalogue
from bot.metrics import Outcome
from bot.settings import Settings
from handlers import actions, checks, commands, drift_buttons, extend, home, pagers, views
from handlers.block_parts import message, section
from handlers.deps import Deps
from handlers.middleware import provide_deps, user_of
from handlers.replies import direct_message, respond
from vocabulary.errors import UserError

log = logging.getLogger(__name__)


def build_app(settings: Settings, deps: Deps, *, socket_mode: bool = False) -> AsyncApp:
    from bot.signatures import RotatingRequestVerification

    catalogue.use(settings.language)
    secrets = settings.signing_secrets
    app = AsyncApp(
        client=deps.slack,
        signing_secret=secrets[0] if secrets else None,
        # Bolt's own check knows one secret; ours takes its place in the middleware chain.
        request_verification_enabled=False,
        before_authorize=None if socket_mode else RotatingRequestVerification(secrets),
        raise_error_for_unhandled_request=True,
        logger=logging.getLogger("sgbot.bolt"),
    )

    # Binds each request's log context and hands listeners the process's Deps, in one step.
    app.use(provide_deps(deps))

    for module in (commands, actions, drift_buttons, extend, pagers, views, home, checks):
        module.register(app, deps)

    @app.error
    async def on_error(
        error: Exception, body: dict[str, Any], response: BoltResponse | None
    ) -> BoltResponse | None:
        if isinstance(error, BoltUnhandledRequestError):
            return BoltResponse(status=200, body="")
        kind = str(body.get("type") or body.get("command") or "request")
        user_id = user_of(body)
        if isinstance(error, UserError):
            deps.metrics.count_request(kind, Outcome.REFUSED)
            text = str(error)
        else:
            incident = new_incident_id()
            deps.metrics.count_request(kind, Outcome.FAILED)
            log.error(
                "incident %s: %s from user %s failed", incident, kind, user_id, exc_info=error
            )
            # It may have failed after a request was stored: say where to look, not "nothing".
            text = catalogue.say("error.incident", incident=incident)
        if response is not None and body.get("command"):
            return BoltResponse(status=200, body=text)  # a slash command shows its ack's text
        # Slack shows nothing of a click's, a form's or an event's ack, and the listener may
        # also have failed after its ack answered: the only way left to tell the person is a
        # message of our own (to the response URL, else a DM).
        await _tell_after_ack(deps, body, user_id, text)
        return None if response is None else BoltResponse(status=200, body="")

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
