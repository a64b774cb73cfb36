"""Both settings modes, checked in a fresh interpreter so the environment is really empty."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository: tests/weft/..
OURS = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "WEFT_ENV")

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "debug": settings.DEBUG,
    "engine": settings.DATABASES["default"]["ENGINE"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "cache": settings.CACHES["default"]["BACKEND"],
}))
"""


def run(code_or_args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in OURS}
    # The browser tests' conftest sets this for Playwright's event loop; a deployment never has it.
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    clean["DJANGO_SETTINGS_MODULE"] = "weft.settings"
    clean.update(env)
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_with_nothing_set_weft_runs_in_development_mode():
    result = run(PROBE)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["debug"] is True
    assert seen["engine"] == "django.db.backends.sqlite3"
    assert seen["eager"] is True
    assert seen["cache"].endswith("LocMemCache")


def test_database_url_and_redis_url_switch_to_postgresql_and_a_real_worker():
    result = run(
        PROBE,
        DATABASE_URL="postgres://weft@db.internal:5432/weft",
        REDIS_URL="redis://127.0.0.1:6379/3",
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["engine"] == "django.db.backends.postgresql"
    assert seen["eager"] is False
    assert seen["broker"] == "redis://127.0.0.1:6379/3"
    assert seen["cache"].endswith("RedisCache")


def test_production_refuses_to_start_without_a_secret_key():
    result = run(PROBE, WEFT_ENV="production", ALLOWED_HOSTS="weft.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_production_refuses_to_start_with_debug_on():
    result = run(
        PROBE,
        WEFT_ENV="production",
        DEBUG="true",
        SECRET_KEY="k" * 60,
        ALLOWED_HOSTS="weft.example.org",
    )
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


def test_a_malformed_boolean_is_named_in_the_error():
    result = run(PROBE, DEBUG="perhaps")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_production_passes_the_deployment_checklist():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        WEFT_ENV="production",
        SECRET_KEY="a-long-random-production-secret-" + "q7Zp" * 10,
        ALLOWED_HOSTS="weft.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
