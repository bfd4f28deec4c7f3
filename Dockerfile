# supervision-bot: `serve` as a non-root user, with /healthz as the health check.
#   docker build -t supervision-bot .
#   docker run -p 3000:3000 --env-file .env -v supervision-bot-data:/data supervision-bot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
RUN pip install ".[postgres]" && rm -rf /src

RUN useradd --system --uid 10001 --home-dir /data --create-home bot
USER bot
WORKDIR /data
# The SQLite file by default; set DATABASE_URL to postgresql://… for several replicas.
ENV DATABASE_URL=sqlite:////data/supervision-bot.sqlite3 PORT=3000
VOLUME /data
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ['PORT'], timeout=4)"
CMD ["supervision-bot", "serve", "--host", "0.0.0.0"]
