"""gunicorn settings for serving the registry in production.

    REGISTRY_DB=registry.db gunicorn -c python:webmap.gunicorn_conf 'webmap:create_app()'

Threaded workers (gthread): a client that sends its request slowly holds one thread, not a
whole worker, so WORKERS x THREADS slow clients (32 by default) are needed before anyone else
waits; with sync workers four trickling clients stopped a `-w 4` server. Idle and kept-alive
connections wait in the worker's poller, holding no thread at all. On a shared server run
`registry serve --production` (webmap/production.py): nginx in front reads whole requests before
passing them on, and held 1,000 trickling clients while ordinary requests were answered.

Environment (each optional; command-line options such as `-b` or `-w` override them too):
    REGISTRY_BIND     address to listen on (default 127.0.0.1:8000)
    WEB_CONCURRENCY   worker processes (default 4; gunicorn's own variable)
    REGISTRY_THREADS  threads per worker (default 8)
"""
import os

bind = os.environ.get("REGISTRY_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# gunicorn's gthread worker, with its 414 and 431 in JSON like the app's errors.
worker_class = "webmap.gunicorn_worker.JSONErrorsThreadWorker"
threads = int(os.environ.get("REGISTRY_THREADS", "8"))

# A worker that does not check in for this long (a stuck request) is killed and replaced.
timeout = 30
graceful_timeout = 30
# Idle kept-alive connections are closed after this many seconds; they wait in the poller.
keepalive = 5
# Requests are small GETs: refuse oversized request lines and headers as they are read.
# 8,190 is gunicorn's largest limit; 0 ("unlimited") let a 16 MB URL cost a worker 30 s of CPU
# (its parser re-reads the growing line up to a 1 MB ceiling). A filter of many counties makes a
# long URL, so the limit is above the app's own (webmap/http.py: MAX_URI_BYTES, 8,000), which
# answers pages in HTML and the API in JSON; past it the worker answers the same JSON 414.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# Recycle workers now and then, so that a slow leak can never grow without bound.
max_requests = 10_000
max_requests_jitter = 1_000
# The control socket (gunicornc) is not used; two servers under one user would share its path.
control_socket_disable = True
accesslog = os.environ.get("REGISTRY_ACCESS_LOG") or None

# glibc gives each thread that allocates an arena of its own and keeps what is freed in it: a worker's 8 threads
# held ~30 MB more than one thread does at 1,000,000 projects (benchmarks/map_browser.py, the worker's VmHWM).
# Two arenas are what MALLOC_ARENA_MAX=2 would give, and a fixed mmap threshold gives numpy's large temporaries
# back when freed (registry/rows/malloc_tuning.py); set in the worker before its threads start.
MALLOC_ARENAS = 2


def post_fork(server, worker):
    from registry.rows.malloc_tuning import tune_malloc

    tune_malloc(arenas=MALLOC_ARENAS)


def post_worker_init(worker):
    """Before the worker takes a connection, answer the map page once (webmap/warmup.py): a planner meets a warm page."""
    from webmap.warmup import warm

    warm(worker.wsgi, worker.log)
