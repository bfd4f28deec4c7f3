"""The README's charts, drawn by the bot from the shell demo's data: plays the demo into a new
folder (as `supervision-bot shell --demo` does), then draws one chart of each kind from its
database into docs/: a client's trajectory (mia's M3), a therapist's practice (alice's), and
the group's weeks and its clients' change by month.

    .venv/bin/python scripts/readme_charts.py [--out docs]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import Session, select  # noqa: E402

from bot.config import load_settings  # noqa: E402
from bot.model import Group  # noqa: E402
from bot.services.caller import Caller, Context  # noqa: E402
from bot.services.charts import groups_change, groups_weeks, therapists_practice  # noqa: E402
from bot.services.clients import chart_of, find_client, trajectories  # noqa: E402
from bot.storage import make_engine  # noqa: E402
from handlers.shell.app import database_url, run_shell, state_path  # noqa: E402

CLIENT = ("mia", "M3")
THERAPIST = "alice"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        url = database_url(str(Path(folder) / "demo.sqlite3"))
        settings = load_settings({"DATABASE_URL": url})
        with mock.patch("sys.stdin", io.StringIO("/quit\n")), contextlib.redirect_stdout(io.StringIO()):
            run_shell(settings, demo=True)
        now = datetime.fromisoformat(json.loads(state_path(url).read_text())["clock"])
        engine = make_engine(url)
        with Session(engine) as session:
            group = session.exec(select(Group)).one()
            ctx = Context(session, Caller(group.platform, group.tenant_id, group.coach_id), now, settings)
            therapist, code = CLIENT
            client = find_client(ctx, group, therapist, code)
            assert client is not None, "the demo has no such client"
            charts = [
                *chart_of(client, group, trajectories(ctx, group, therapist, [code])[code]),
                therapists_practice(ctx, group, THERAPIST),
                groups_weeks(ctx.session, group, ctx.now),
                groups_change(ctx.session, group, ctx.now),
            ]
        engine.dispose()
    for chart in charts:
        (out / chart.name).write_bytes(chart.png)
        print(f"{out / chart.name} ({len(chart.png):,} bytes): {chart.alt}")


if __name__ == "__main__":
    main()
