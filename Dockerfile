# syntax=docker/dockerfile:1
#
# One image for every role: `serve` (the API, the default command), `worker`, `migrate`,
# `purge`, `keys` ... (ENTRYPOINT is the `ocr-service` command line).
#
#   docker build -t ocr-service .
#   docker run --rm -p 8000:8000 -e OCR_ENVIRONMENT=development ocr-service
#   docker run --rm ocr-service worker
#
# Stage 1 builds wheels for the service and every dependency; stage 2 installs them on a
# clean slim image with the OCR runtime (Tesseract with Japanese data, poppler) and runs
# as the unprivileged user `ocr` (uid 10001). Fonts are not installed: nothing renders
# text at run time (the synthetic-form generator is a development tool).

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---- builder: wheels ------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# Compilers only for a dependency without a wheel for this platform (none on amd64/arm64
# today: tesserocr, opencv and psycopg ship manylinux wheels with their libraries).
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY ocr_service ./ocr_service
COPY worker ./worker
RUN pip wheel --wheel-dir /wheels .

# ---- runtime --------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OCR_DATA_DIR=/data \
    OCR_CACHE_DIR=/data/cache \
    OCR_TEMPLATES_DIR=/app/templates_forms \
    OCR_LOG_FORMAT=json
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        tesseract-ocr \
        tesseract-ocr-eng \
        tesseract-ocr-jpn \
        tesseract-ocr-jpn-vert \
        tesseract-ocr-osd \
        poppler-utils \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 ocr \
    && useradd --system --uid 10001 --gid ocr --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin ocr
COPY --from=builder /wheels /wheels
RUN pip install --no-index --find-links=/wheels ocr-service \
    && rm -rf /wheels
WORKDIR /app
COPY templates_forms ./templates_forms
RUN mkdir -p /data && chown ocr:ocr /data
VOLUME ["/data"]
USER ocr:ocr
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]
ENTRYPOINT ["ocr-service"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
