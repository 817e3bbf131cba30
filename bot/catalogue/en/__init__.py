"""The English catalogue, gathered from one module per area of the bot."""

from bot.catalogue.en import (
    card,
    errors,
    forms,
    grammar,
    lists,
    messages,
    paths,
    reasons,
    regions,
    request,
    syntax,
)

PARTS = (request, card, errors, messages, lists, forms, grammar, reasons, paths, syntax, regions)
MESSAGES: dict[str, str] = {key: text for part in PARTS for key, text in part.MESSAGES.items()}
