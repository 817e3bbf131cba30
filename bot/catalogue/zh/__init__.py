"""The Chinese catalogue, gathered from one module per area of the bot (``areas.AREAS``)."""

from bot.catalogue.areas import area_modules, gathered

PARTS = area_modules(__name__)
MESSAGES: dict[str, str] = gathered(PARTS)
