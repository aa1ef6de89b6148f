"""gunicorn settings: ``gunicorn -c config/gunicorn.py config.wsgi:application`` (``make serve`` does it).

Threaded workers (``gthread``): the views are synchronous and mostly wait on the database. Each thread holds
at most one database connection (kept ``CONN_MAX_AGE`` seconds, checked before reuse), so the connections
a deployment needs are bounded: web workers x threads, plus the Celery worker's concurrency. Size
``max_connections`` of PostgreSQL above that sum (docs/operations.md). Requests beyond the threads wait in
gunicorn's backlog instead of opening more connections.
"""

from config.env import env_str

bind = env_str("RELAIS_BIND", "127.0.0.1:8000")
workers = int(env_str("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(env_str("RELAIS_WEB_THREADS", "4"))
# Uploads are parsed in jobs, not in the request; a request that needs longer is a bug to find.
timeout = 60
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (with jitter), so a slow leak cannot grow for ever.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1")
