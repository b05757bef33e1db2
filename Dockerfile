# careerplan in a container: `docker build -t careerplan .` then see compose.yaml, or
#   docker run --env-file careerplan.env -v careerplan-data:/data -p 3000:3000 careerplan
# Slim, no compiler, runs as an unprivileged user; the answers live in /data (SQLite) or in PostgreSQL.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY storage ./storage
RUN pip install ".[postgres]" && useradd --system --uid 10001 --home-dir /data --create-home careerplan

USER careerplan
WORKDIR /data
# An absolute path: the database does not depend on the working directory.
ENV DATABASE_URL=sqlite:////data/careerplan.db \
    HOST=0.0.0.0 \
    PORT=3000
VOLUME ["/data"]
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["python", "-m", "bot.healthcheck"]
ENTRYPOINT ["careerplan"]
CMD ["run"]
