#!/usr/bin/env bash
# One command from a fresh clone to the app on http://127.0.0.1:8000:
# installs, migrates the database, seeds the questions and starts gunicorn.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export FLASK_APP=app
.venv/bin/flask db upgrade
.venv/bin/flask questions seed
exec .venv/bin/gunicorn -c gunicorn.conf.py "app:create_app()"
