"""Pictures on Slack, with no configuration beyond the bot's `files:write` scope.

- A message the bot posts carries its pictures as files uploaded into its thread
  (`files_upload_v2` with the channel and the message's `thread_ts`), each with its alt text.
- A Home view shows them as image blocks. With `PUBLIC_URL` set, each is a short-lived signed
  link to the bot's own server (bot/chart_links.py); otherwise a file the bot uploaded without
  sharing it anywhere (only the bot can see it, and only the bot posts the blocks), referred to
  as `slack_file` {id}. Slack takes a moment to process an upload, and until then refuses blocks
  that refer to it: the Home is published with the alt text meanwhile, then with the picture.
  An upload is kept by its content, so a Home drawn again with the same chart reuses its file.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict
from collections.abc import Iterable
from weakref import WeakKeyDictionary

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.chart_links import ChartLinks
from bot.charts import png_off_the_loop
from bot.messages import Image
from handlers.slack.failures import SLACK_FAILURES, reason

log = logging.getLogger(__name__)

UPLOADS_KEPT = 256
READY_WAITS = (1.0, 2.0, 4.0)  # seconds between tries of a Home whose pictures Slack is still processing
NOT_READY = "invalid slack file"  # what Slack says of a slack_file it has not finished processing

# (the workspace's API and token, by their digest; the PNG's digest) → its file's id
_uploaded: OrderedDict[tuple[str, str], str] = OrderedDict()
_one_upload_at_a_time: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = WeakKeyDictionary()


async def sources(
    client: AsyncWebClient, images: Iterable[Image], links: ChartLinks | None = None
) -> dict[Image, dict]:
    """Where an image block finds each picture that could be had; one that could not (its upload
    failed) is left out, and so shown as its alt text."""
    found: dict[Image, dict] = {}
    for image in images:
        png = await png_off_the_loop(image)
        if links is not None:
            if (url := await links.url_for(png)) is not None:
                found[image] = {"image_url": url}
        elif (file_id := await _file_of(client, image, png)) is not None:
            found[image] = {"slack_file": {"id": file_id}}
    return found


def forget(found: dict[Image, dict]) -> None:
    """Slack never took these files (deleted, or never processed): the next Home uploads them anew."""
    refused = {source["slack_file"]["id"] for source in found.values() if "slack_file" in source}
    for key in [key for key, file_id in _uploaded.items() if file_id in refused]:
        del _uploaded[key]


def not_ready(error: SlackApiError) -> bool:
    """Whether Slack refused blocks because a file they refer to is not processed yet."""
    return error.response.get("error") == "invalid_blocks" and any(
        NOT_READY in str(problem) for problem in error.response.get("errors") or ()
    )


async def in_thread(client: AsyncWebClient, channel_id: str, thread_ts: str, images: Iterable[Image]) -> None:
    """The pictures uploaded as files into the thread of the message `thread_ts`."""
    uploads = [
        {"content": await png_off_the_loop(image), "filename": image.name, "title": image.name, "alt_txt": image.alt}
        for image in images
    ]
    await client.files_upload_v2(channel=channel_id, thread_ts=thread_ts, file_uploads=uploads)


async def _file_of(client: AsyncWebClient, image: Image, png: bytes) -> str | None:
    """The file of the picture's PNG: uploaded once, though two Homes with it are drawn at once."""
    loop = asyncio.get_running_loop()
    async with _one_upload_at_a_time.setdefault(loop, asyncio.Lock()):
        return await _uploaded_once(client, image, png)


async def _uploaded_once(client: AsyncWebClient, image: Image, png: bytes) -> str | None:
    key = (_digest(f"{client.base_url} {client.token}".encode()), _digest(png))
    if key in _uploaded:
        _uploaded.move_to_end(key)
        return _uploaded[key]
    try:
        response = await client.files_upload_v2(content=png, filename=image.name, title=image.name, alt_txt=image.alt)
    except SLACK_FAILURES as error:
        log.warning("could not upload a picture for a Home tab: %s", reason(error))
        return None
    file_id: str = response["files"][0]["id"]
    _uploaded[key] = file_id
    if len(_uploaded) > UPLOADS_KEPT:
        _uploaded.popitem(last=False)
    return file_id


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
