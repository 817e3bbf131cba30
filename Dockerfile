# Two stages: the builder compiles wheels into a virtualenv; the final image copies only that
# virtualenv onto python:3.11-slim, so no compiler or pip cache ships. No secrets are baked in:
# SLACK_*, REDIS_URL and the Alibaba Cloud credentials come from the environment at run time.
# Every process it runs (serve by default; socket or worker as the command) answers /healthz,
# /readyz and /metrics on SGBOT_HEALTH_PORT, which the health check and Kubernetes probes ask.
FROM python:3.11-slim AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/sgbot
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY approvals ./approvals
COPY handlers ./handlers
COPY vocabulary ./vocabulary
RUN /opt/sgbot/bin/pip install --upgrade pip \
    && /opt/sgbot/bin/pip install .

FROM python:3.11-slim

ENV PATH=/opt/sgbot/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    SGBOT_HEALTH_PORT=8081
RUN groupadd --system --gid 10001 sgbot \
    && useradd --system --uid 10001 --gid sgbot --no-create-home --shell /usr/sbin/nologin sgbot
COPY --from=builder /opt/sgbot /opt/sgbot
USER 10001:10001
EXPOSE 3000 8081

# The slim image has no curl; the standard library is enough to ask /healthz (liveness).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ['SGBOT_HEALTH_PORT'], timeout=4).status == 200 else 1)"]

CMD ["sgbot", "serve", "--host", "0.0.0.0", "--port", "3000"]
