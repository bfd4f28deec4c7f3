"""What every test of a picture the bot draws checks: the PNG decodes, under the size limit,
of the dimensions it states, and not blank."""

from __future__ import annotations

import io

from PIL import Image as Picture

from bot.messages import Image

LIMIT_BYTES = 200_000


def decoded(image: Image) -> Picture.Image:
    assert len(image.png) < LIMIT_BYTES
    picture = Picture.open(io.BytesIO(image.png))
    assert picture.format == "PNG"
    assert picture.size == (image.width, image.height) == (800, 450)
    colours = picture.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 1, "a blank picture"
    return picture
