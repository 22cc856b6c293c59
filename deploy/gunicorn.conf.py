"""gunicorn settings for `scripts/serve-production` (every value can be overridden from the environment)."""
import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Several worker processes: 2 per core plus one, at most 8 unless WEB_CONCURRENCY says otherwise.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
# Reports (.docx with charts) and large exports take a while; the bureau's web server times out first.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
# Recycle workers now and then so that a slow leak in a library never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# The web server in front (nginx, the bureau's gateway) is the only client trusted to say the scheme.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# LOG_SYSLOG=/dev/log copies gunicorn's logs to the local syslog too (Django's own follow settings.LOGGING).
syslog = bool(os.environ.get("LOG_SYSLOG"))
syslog_addr = f"unix://{os.environ.get('LOG_SYSLOG', '/dev/log')}#dgram"
syslog_prefix = "kechuang"
proc_name = "kechuang"
