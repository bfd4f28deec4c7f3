"""Charts behind signed links on a real database (SQLite and PostgreSQL): a link gives its PNG
back until it expires and is refused after, the same chart is kept once, the scheduler's
tidying deletes the charts whose links have all expired, and every replica signs with one key."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlparse

import pytest
from sqlmodel import Session, select

from bot.chart_links import KEY_BYTES, LINK_LIFETIME, ChartLinks, Refused
from bot.model import ChartImage, SigningKey
from tests.core_harness import CoreHarness

START = datetime(2026, 12, 2, 9, tzinfo=timezone.utc)
PNG, OTHER = b"\x89PNG one chart", b"\x89PNG another"


@pytest.fixture
def harness(database_url):
    harness = CoreHarness(database_url, START, {}, PUBLIC_URL="https://bot.example.org/")
    yield harness
    harness.close()


def opened(harness: CoreHarness, link: str) -> bytes | None:
    url = urlparse(link)
    query = {name: values[0] for name, values in parse_qs(url.query).items()}
    return asyncio.run(harness.core.chart_links.png_at(url.path, query))


def kept(harness: CoreHarness) -> int:
    with Session(harness.engine) as session:
        return len(session.exec(select(ChartImage)).all())


def test_a_link_gives_its_chart_until_it_expires_and_tidying_deletes_it_after(harness):
    links = harness.core.chart_links
    link = asyncio.run(links.url_for(PNG))
    harness.clock.now += timedelta(days=1)
    again, other = asyncio.run(links.url_for(PNG)), asyncio.run(links.url_for(OTHER))

    assert link.startswith("https://bot.example.org/charts/") and kept(harness) == 2  # one row a chart
    assert opened(harness, link) == opened(harness, again) == PNG and opened(harness, other) == OTHER
    harness.clock.now = START + LINK_LIFETIME
    with pytest.raises(Refused):
        opened(harness, link)
    assert opened(harness, again) == PNG  # the later link still works, and keeps the chart
    asyncio.run(harness.core.dispatcher.tidy())
    assert kept(harness) == 2
    harness.clock.now += timedelta(days=1)
    asyncio.run(harness.core.dispatcher.tidy())
    assert kept(harness) == 0


def test_replicas_sign_with_the_one_key_the_first_link_made(harness):
    replica = ChartLinks(harness.engine, "https://bot.example.org", harness.clock)
    with Session(harness.engine) as session:
        assert session.exec(select(SigningKey)).all() == []

    link = asyncio.run(replica.url_for(PNG))

    assert opened(harness, link) == PNG  # signed by one replica, served by another
    with Session(harness.engine) as session:
        [key] = session.exec(select(SigningKey)).all()
    assert len(key.secret) == KEY_BYTES


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"expires": "1e10", "signature": "0" * 64},
        {"expires": "²", "signature": "0" * 64},  # a digit to str.isdigit, not to int()
        {"expires": "①", "signature": "0" * 64},
        {"expires": "9" * 13, "signature": "0" * 64},
        {"expires": "1700000000", "signature": "é" * 64},  # hmac compares ASCII only
        {"expires": "1700000000"},
    ],
)
def test_a_link_with_a_malformed_expiry_or_signature_is_refused(harness, query):
    link = urlparse(asyncio.run(harness.core.chart_links.url_for(PNG)))
    assert opened(harness, link.geturl()) == PNG  # the link as made can pass
    with pytest.raises(Refused):
        asyncio.run(harness.core.chart_links.png_at(link.path, query))


@pytest.mark.parametrize(
    "path", ["/charts/", "/charts/x.png", "/charts/../../etc/passwd", "/charts/" + "A" * 64 + ".png"]
)
def test_a_path_that_names_no_chart_is_refused(harness, path):
    with pytest.raises(Refused):
        asyncio.run(harness.core.chart_links.png_at(path, {"expires": "1700000000", "signature": "0" * 64}))
