"""Bolt middleware that gathers, once per request, what listeners would otherwise each look up.

``provide_deps`` binds each request's log context and puts the process's ``Deps`` into Bolt's
``context`` so listeners can be plain module-level functions (Bolt passes ``context`` to any
listener that names it), and tests can call them with a context they built. ``read_click``
decodes a card button's value and resolves the clicking person, so no listener repeats
``ButtonValue.decode`` or the ``users.info`` lookup.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from approvals.policy import Person
from bot.logs import bind
from handlers.deps import Deps
from vocabulary.commands import REQUEST_ID_RE

Next = Callable[[], Awaitable[Any]]


class ButtonValue(BaseModel):
    """A card button's value: the id of the request it acts on, nothing else."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    request_id: str = Field(pattern=f"^{REQUEST_ID_RE.pattern}$")

    @classmethod
    def decode(cls, value: object) -> ButtonValue:
        return cls(request_id=str(value))


@dataclass(frozen=True)
class Click:
    """Who clicked a card button and which request it names (None: a value that is no id)."""

    person: Person
    request_id: str | None


def deps_of(context: dict[str, Any]) -> Deps:
    deps = context["deps"]
    assert isinstance(deps, Deps)
    return deps


def click_of(context: dict[str, Any]) -> Click:
    click = context["click"]
    assert isinstance(click, Click)
    return click


def provide_deps(deps: Deps) -> Callable[..., Awaitable[Any]]:
    """The global middleware: binds the log context (the person, and the request a button
    names) and hands every listener the process's dependencies.

    Bolt runs the listener after every middleware has returned, so a scope opened here would
    be closed by then; the binding lasts as long as the task serving this one request instead
    (aiohttp, and Socket Mode, give each request a task of its own).
    """

    async def middleware(body: dict[str, Any], context: dict[str, Any], next: Next) -> Any:
        user_id = user_of(body)
        bind(user_id=None if user_id == "unknown" else user_id, request_id=button_request_id(body))
        context["deps"] = deps
        return await next()

    return middleware


def button_request_id(body: dict[str, Any]) -> str | None:
    """The request a clicked button is about: its value is an opaque request id."""
    for action in body.get("actions") or ():
        value = str(action.get("value") or "") if isinstance(action, dict) else ""
        if REQUEST_ID_RE.fullmatch(value):
            return value
    return None


def user_of(body: dict[str, Any]) -> str:
    """The person a Slack request comes from, wherever its kind keeps them ("unknown": none)."""
    user = body.get("user")
    if isinstance(user, dict):
        return str(user.get("id"))
    event = body.get("event")
    if isinstance(event, dict) and event.get("user"):
        return str(event["user"])
    return str(body.get("user_id") or user or "unknown")


async def read_click(context: dict[str, Any], body: dict[str, Any], next: Next) -> Any:
    """Listener middleware for card buttons: ``context["click"]`` is the decoded click.

    The person is resolved before the listener acks; ``users.info`` answers are cached for a
    burst of clicks, so this costs one Redis read in the common case.
    """
    actions = body.get("actions") or [{}]
    try:
        request_id: str | None = ButtonValue.decode(actions[0].get("value")).request_id
    except ValidationError:
        request_id = None
    person = await deps_of(context).approvers.person(str(body["user"]["id"]))
    context["click"] = Click(person=person, request_id=request_id)
    return await next()
