"""What every test of a picture the bot draws checks: the PNG decodes, under the size limit,
of the dimensions it states, and not blank."""

from __future__ import annotations

import io

from PIL import Image as Picture

from bot.messages import Image

LIMIT_BYTES = 200_000
SIZE = (800, 450)


def decoded(image: Image) -> Picture.Image:
    assert (image.width, image.height) == SIZE
    return decoded_png(image.png)


def decoded_png(png: bytes) -> Picture.Image:
    """A PNG as the bot sends it to a platform: what every picture it draws must be."""
    assert len(png) < LIMIT_BYTES
    picture = Picture.open(io.BytesIO(png))
    assert picture.format == "PNG"
    assert picture.size == SIZE
    colours = picture.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 1, "a blank picture"
    return picture
