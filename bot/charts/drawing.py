"""What every chart shares: the Chart value, its size, fonts and colours, drawing a figure
to PNG, and drawing off the event loop.

matplotlib is imported only when a chart is drawn, so that processes that draw nothing (e.g.
`tick`) never load it; its object-oriented API is used (no pyplot, no display), and one lock
keeps drawing to one thread at a time, since matplotlib's shared state is not thread-safe.
"""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, ParamSpec

from bot.messages import Image

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

Chart = Image  # a drawn chart is a picture a message shows; its alt text states every number drawn

WIDTH_INCHES, HEIGHT_INCHES, DPI = 8.0, 4.5, 100  # 800 × 450 pixels
FONT_SIZE = 12
PALETTE_COLOURS = 64
CACHED_CHARTS = 64  # per kind of chart: the charts last drawn, kept by the data they show

# Okabe & Ito's palette, told apart with any kind of colour vision.
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
GREY = "#999999"
SERIES = (BLUE, ORANGE, BLUISH_GREEN, REDDISH_PURPLE, SKY_BLUE, VERMILLION, YELLOW, GREY)

STYLE: dict[RcKeyType, Any] = {
    "font.size": FONT_SIZE,
    "axes.titlesize": FONT_SIZE + 1,
    "axes.labelsize": FONT_SIZE,
    "xtick.labelsize": FONT_SIZE - 1,
    "ytick.labelsize": FONT_SIZE - 1,
    "legend.fontsize": FONT_SIZE - 1,
    "axes.spines.top": False,
    "axes.spines.right": False,
}

# Fixed margins, not matplotlib's automatic layouts, which double the time to draw.
MARGINS = {"left": 0.08, "right": 0.96, "top": 0.92, "bottom": 0.1, "wspace": 0.25}
LEGEND_BELOW = MARGINS | {"bottom": 0.24}

_drawing = threading.Lock()
_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="charts")
P = ParamSpec("P")


def drawn(name: str, alt: str, draw: Callable[[Any], None]) -> Chart:
    """The chart `draw(figure)` draws on a new figure of the charts' size, style and margins,
    when its PNG is first asked for."""
    width, height = round(WIDTH_INCHES * DPI), round(HEIGHT_INCHES * DPI)
    return Chart(name, alt, width, height, lambda: _png(draw))


def _png(draw: Callable[[Any], None]) -> bytes:
    from matplotlib import rc_context
    from matplotlib.figure import Figure, SubplotParams

    with _drawing, rc_context(STYLE):
        figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, subplotpars=SubplotParams(**MARGINS))
        draw(figure)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return _in_a_palette(buffer.getvalue())


def _in_a_palette(png: bytes) -> bytes:
    """The picture in PALETTE_COLOURS colours: a third of the bytes, so that it fits in a Teams
    card as a data URI, and no difference to the eye for flat-coloured charts."""
    from PIL import Image as Picture

    buffer = io.BytesIO()
    picture = Picture.open(io.BytesIO(png)).convert("RGB")
    picture.quantize(colors=PALETTE_COLOURS, method=Picture.Quantize.MEDIANCUT).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def legend_below(figure: Any, columns: int = 3) -> None:
    """The figure's legend under its plots, with room made for it."""
    figure.legend(loc="lower center", bbox_to_anchor=(0.5, 0.0), ncols=columns, frameon=False)
    figure.subplots_adjust(**LEGEND_BELOW)


async def off_the_loop(chart_of: Callable[P, Chart], *args: P.args, **kwargs: P.kwargs) -> Chart:
    """A chart drawn in the charts' own thread, for a caller on the event loop."""

    def drawn_here() -> Chart:
        chart = chart_of(*args, **kwargs)
        _ = chart.png
        return chart

    return await asyncio.get_running_loop().run_in_executor(_pool, drawn_here)


async def png_off_the_loop(image: Image) -> bytes:
    """The picture's PNG, drawn (the first time it is asked for) in the charts' own thread."""
    return await asyncio.get_running_loop().run_in_executor(_pool, lambda: image.png)
