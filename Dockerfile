# The worker image: the locked dependencies, then the project. Data (archive + SQLite) lives in /data.
FROM python:3.11-slim
WORKDIR /app
COPY requirements.lock pyproject.toml README.md ./
RUN pip install --no-cache-dir -r requirements.lock
COPY service ./service
COPY parsers ./parsers
COPY handlers ./handlers
COPY config ./config
RUN pip install --no-cache-dir --no-deps . && useradd --system --home /data intake && mkdir -p /data \
    && chown intake /data
USER intake
ENV INTAKE_DATA_DIR=/data
VOLUME ["/data"]
ENTRYPOINT ["frontier-intake"]
CMD ["run"]
