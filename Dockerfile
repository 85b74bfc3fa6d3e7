# One image for the API and the worker (the command differs).
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    LOA_DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY loa ./loa
COPY service ./service
COPY workers ./workers
RUN pip install ".[postgres]" \
    && useradd --system --uid 10001 --home /app loa \
    && mkdir -p /data && chown loa /data
USER loa
VOLUME ["/data"]
EXPOSE 8000
# the API with limits on clients (service/server.py); the worker's command is in docker-compose.yml
CMD ["python", "-m", "service.server", "--host", "0.0.0.0", "--port", "8000"]
