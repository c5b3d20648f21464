# Sourced by scripts/demo and scripts/test: makes sure .venv exists, with Python 3.11+.
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || { echo "cxgraph needs Python 3.11 or newer as \`$python\` (or set PYTHON=...)" >&2; exit 1; }
  "$python" -m venv .venv
fi
