"""gunicorn settings for bostotte (README, "Drift"): `gunicorn -c deploy/gunicorn.conf.py`.

Each setting can be changed from the environment without editing this file. The web
processes never run the daily job: `flask bostotte scheduler` runs as its own service.
"""

import os

from bostotte.config import web_workers

wsgi_app = "bostotte:create_app()"
bind = os.environ.get("BOSTOTTE_BIND", "127.0.0.1:8000")
# Pages are short database reads: a few processes per core; PDFs take a second or two.
# (bostotte.config.web_workers: the app's start-up checks count the same processes)
workers = web_workers(os.environ)
threads = int(os.environ.get("BOSTOTTE_THREADS") or 2)
timeout = int(os.environ.get("BOSTOTTE_TIMEOUT") or 60)
graceful_timeout = 30
max_requests = 2000  # recycle processes now and then: no slow leak lives for weeks
max_requests_jitter = 200
# One JSON line per request comes from the app (bostotte/ops/logs.py), without paths or
# queries that could hold a name; gunicorn's own access log would print them.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("BOSTOTTE_LOG_LEVEL", "info")
# X-Forwarded-* is trusted by the app only with BOSTOTTE_PROXY_FIX=1 (one proxy in front).
forwarded_allow_ips = os.environ.get("BOSTOTTE_FORWARDED_ALLOW_IPS", "127.0.0.1")
