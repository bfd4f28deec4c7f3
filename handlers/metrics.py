"""GET /metrics in Prometheus' text format: the requests each platform sent and how soon they
were answered, what became of each delivery, how long sends, digests and the scheduler's
passes took, and the database's errors. Each process counts in a registry of its own.

Labels only ever hold a few known values (a platform, a kind, an outcome, a status code),
never a user id, a tenant id, a client code or any text: that is what keeps the number of
series bounded and the numbers free of anything personal."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, make_asgi_app, start_http_server
from prometheus_client.process_collector import ProcessCollector
from sqlalchemy import event
from sqlalchemy.engine import Engine, ExceptionContext

from bot.measurements import Job, Outcome
from bot.model import DeliveryKind, Platform
from bot.storage import StorageFault, lost_race

UNKNOWN = "unknown"
# Slack wants its answer within 3 s; Teams within 15 s.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 15.0)
SEND_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
PASS_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)


class Metrics:
    """The numbers of one app: bot.measurements.Measurements for the core, `request` for the
    server, `watch` for the database, and `page` to serve them."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)  # CPU, memory, open files
        self.requests = Counter(
            "supervision_bot_requests",
            "Requests from a platform, by the status code they were answered with",
            ["platform", "kind", "code"],
            registry=self.registry,
        )
        self.ack = Histogram(
            "supervision_bot_ack_seconds",
            "From a platform's request arriving to its answer starting",
            ["platform", "kind"],
            buckets=ACK_BUCKETS,
            registry=self.registry,
        )
        self.deliveries = Counter(
            "supervision_bot_deliveries",
            "Attempts at scheduled messages, by what each came to",
            ["platform", "kind", "status"],
            registry=self.registry,
        )
        self.sends = Histogram(
            "supervision_bot_send_seconds",
            "A platform's answer to sending a scheduled message, accepted or not",
            ["platform", "kind"],
            buckets=SEND_BUCKETS,
            registry=self.registry,
        )
        self.prepares = Histogram(
            "supervision_bot_prepare_seconds",
            "Deciding what a scheduled message becomes and building it (a digest: gathering and rendering it)",
            ["kind"],
            buckets=PASS_BUCKETS,
            registry=self.registry,
        )
        self.jobs = Histogram(
            "supervision_bot_job_seconds",
            "The scheduler's passes: planning, sending what is due, tidying",
            ["job"],
            buckets=PASS_BUCKETS,
            registry=self.registry,
        )
        self.database_errors = Counter(
            "supervision_bot_database_errors",
            "Errors from the database: unavailable (read-only, full, unreachable), conflict (a lost race,"
            " run again), other",
            ["error"],
            registry=self.registry,
        )
        self.page = make_asgi_app(self.registry)

    def delivery_done(self, kind: DeliveryKind, platform: Platform | None, outcome: Outcome) -> None:
        self.deliveries.labels(platform or UNKNOWN, kind, outcome).inc()

    def send_took(self, kind: DeliveryKind, platform: Platform, seconds: float) -> None:
        self.sends.labels(platform, kind).observe(seconds)

    def prepare_took(self, kind: DeliveryKind, seconds: float) -> None:
        self.prepares.labels(kind).observe(seconds)

    def job_took(self, job: Job, seconds: float) -> None:
        self.jobs.labels(job).observe(seconds)

    def request(self, platform: Platform, kind: str, status: int, seconds: float) -> None:
        self.requests.labels(platform, kind, str(status)).inc()
        self.ack.labels(platform, kind).observe(seconds)

    def watch(self, engine: Engine) -> None:
        """Count the engine's errors, as bot.storage tells them apart."""
        event.listen(engine, "handle_error", self._database_error)

    def _database_error(self, context: ExceptionContext) -> None:
        # Set only once an earlier listener (bot.storage's) returned an exception of its own.
        if isinstance(getattr(context, "chained_exception", None), StorageFault):
            error = "unavailable"
        elif context.sqlalchemy_exception is not None and lost_race(context.sqlalchemy_exception):
            error = "conflict"
        else:
            error = "other"
        self.database_errors.labels(error).inc()

    def serve_on(self, host: str, port: int):
        """Serve the page on a port of its own, on a thread; the server, to shut down."""
        server, _thread = start_http_server(port, host, registry=self.registry)
        return server
