"""The App Home tab: a person's own requests and, for approvers, what waits for them.

``app_home_opened`` publishes a fresh view from Redis each time the tab is opened. Every
section is a read, so it follows the membership policy: anyone but a full member of our
organisation sees only why; the pending list with its buttons is shown only to full members
in the approver set right now.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp

from handlers.blocks import home_view, refused_home_view
from handlers.deps import Deps
from handlers.middleware import deps_of
from vocabulary.errors import PolicyRefused

log = logging.getLogger(__name__)


async def publish_home(deps: Deps, user_id: str) -> None:
    user = await deps.approvers.person(user_id)
    try:
        await deps.service.check_reader(user, "open App Home")
    except PolicyRefused as exc:
        view = refused_home_view(str(exc), emulated=deps.emulated)
        await deps.slack.views_publish(user_id=user_id, view=view)
        return
    mine = await deps.service.list_mine(user)
    is_approver = user_id in await deps.approvers.approver_ids()
    pending = await deps.service.list_pending() if is_approver else None
    view = home_view(mine, pending, now=deps.clock.now(), emulated=deps.emulated)
    await deps.slack.views_publish(user_id=user_id, view=view)


async def on_home_opened(event: dict[str, Any], context: dict[str, Any]) -> None:
    deps = deps_of(context)
    if event.get("tab", "home") != "home":
        return
    await publish_home(deps, str(event["user"]))


def register(app: AsyncApp, deps: Deps) -> None:
    app.event("app_home_opened")(on_home_opened)
