# frontier-intake: the worker (`run`), the review UI (`serve`) and every other command, in one image.
# Slim base, the locked dependencies, the project, a non-root user; data (archive, models) in /data.
FROM python:3.11-slim
WORKDIR /app
COPY requirements.lock pyproject.toml README.md ./
RUN pip install --no-cache-dir -r requirements.lock
COPY service ./service
COPY parsers ./parsers
COPY handlers ./handlers
COPY config ./config
RUN pip install --no-cache-dir --no-deps . \
    && groupadd --system --gid 999 intake \
    && useradd --system --uid 999 --gid intake --home /data intake \
    && mkdir -p /data && chown intake:intake /data
USER intake
ENV INTAKE_DATA_DIR=/data PYTHONUNBUFFERED=1
VOLUME ["/data"]
# healthy when the database answers and this mailbox was polled recently (by whichever worker holds it)
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["frontier-intake", "status", "--check"]
ENTRYPOINT ["frontier-intake"]
CMD ["run"]
