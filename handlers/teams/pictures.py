"""Pictures in Teams cards: a card's Image needs an address Teams can fetch. A PNG small enough
is its own address, a data: URI (the charts' 64-colour PNGs are 7–14 KB, so one fits in a card
within Teams' 28 KB); a larger one is a signed link to the bot's own server when PUBLIC_URL is
set (bot/chart_links.py), and otherwise shown as its alt text."""

from __future__ import annotations

import base64
from collections.abc import Iterable

from bot.chart_links import ChartLinks
from bot.charts import png_off_the_loop
from bot.messages import Image

MAX_DATA_URI_BYTES = 20_000  # leaves a card's part room for its words within its 28,000 bytes


async def sources(images: Iterable[Image], links: ChartLinks | None) -> dict[Image, str]:
    found: dict[Image, str] = {}
    for image in images:
        png = await png_off_the_loop(image)
        uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        if len(uri) <= MAX_DATA_URI_BYTES:
            found[image] = uri
        elif links is not None and (url := await links.url_for(png)) is not None:
            found[image] = url
    return found
