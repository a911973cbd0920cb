# Qiao's image: one bot process (`python -m bot`). Settings come from the environment (README: Settings);
# several containers of one bot share PostgreSQL and Redis, each with its own SHARD_IDS (README: Running at scale).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A font with Chinese characters for the /bridge stats chart (without one it is labelled in English).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
# Editable: the bot reads locale/ and the shipped data beside its package. PYTHONDONTWRITEBYTECODE (and /app
# belonging to root) would make every start compile the bot's ~180 modules again (about 0.6 s of CPU):
# compile them once here.
RUN pip install -e . \
    && python -m compileall -q bot cogs \
    && useradd --create-home --uid 10001 qiao \
    && mkdir -p /data && chown qiao:qiao /data

USER qiao
# The working directory is writable: SQLite (when DATABASE_URL is unset) and matplotlib's font cache go there.
WORKDIR /data
ENV MPLCONFIGDIR=/data/.matplotlib

CMD ["python", "-m", "bot"]
