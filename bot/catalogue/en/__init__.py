"""The English catalogue, gathered from one module per area of the bot."""

from bot.catalogue.en import (
    card,
    doctor,
    drift,
    errors,
    extend,
    forms,
    grammar,
    lists,
    messages,
    paths,
    policy,
    reasons,
    regions,
    request,
    syntax,
)

PARTS = (
    request,
    card,
    errors,
    messages,
    lists,
    forms,
    grammar,
    reasons,
    paths,
    syntax,
    doctor,
    drift,
    policy,
    extend,
    regions,
)
MESSAGES: dict[str, str] = {key: text for part in PARTS for key, text in part.MESSAGES.items()}
