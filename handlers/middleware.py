"""Bolt middleware that gathers, once per request, what listeners would otherwise each look up.

``provide_deps`` puts the process's ``Deps`` into Bolt's ``context`` so listeners can be plain
module-level functions (Bolt passes ``context`` to any listener that names it), and tests can
call them with a context they built. ``read_click`` decodes a card button's value and resolves
the clicking person, so no listener repeats ``ButtonValue.decode`` or the ``users.info`` lookup.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from approvals.policy import Person
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
    """A global middleware that hands every listener the process's dependencies."""

    async def middleware(context: dict[str, Any], next: Next) -> Any:
        context["deps"] = deps
        return await next()

    return middleware


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
