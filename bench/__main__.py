"""Runner: ``python -m bench [--smoke] [--only map]``.

Needs PostgreSQL. With ``DATABASE_URL`` unset it creates ``weft_bench_<pid>`` on 127.0.0.1 as
``postgres``, migrates it and drops it at the end; with ``DATABASE_URL`` set it migrates that
database, adds its rows and removes them at the end. Exits 1 when a target is missed, 2 when
it cannot run.
"""

import argparse
import json
import os
import sys
import warnings
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
# name → (module of bench/, its results file); each module has run(smoke=, cleanup=).
MODULES = {
    "map": ("map_endpoint", "map.json"),
    "metrics": ("metrics_task", "metrics.json"),
    "import": ("import_bench", "import.json"),
    "browser": ("map_browser", "map_browser.json"),
    "layout": ("map_layout", "map_layout.json"),
    "pages": ("pages", "pages.json"),
    "surveys": ("survey_review", "survey_review.json"),
    "live": ("map_live", "map_live.json"),
    "loadtest": ("loadtest", "loadtest.json"),
}
BENCHMARKS = tuple(MODULES)
# Run only when named (`make loadtest`): it needs both cores to itself for a minute or two.
ON_REQUEST = ("loadtest",)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="small sizes, figures only; checks only the query-count target",
    )
    parser.add_argument("--only", choices=BENCHMARKS, action="append", help="run only these")
    return parser.parse_args(argv)


def _admin_connection():
    import psycopg2

    conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres")
    conn.autocommit = True
    return conn


def create_database(name: str) -> None:
    conn = _admin_connection()
    try:
        with conn.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


def drop_database(name: str) -> None:
    conn = _admin_connection()
    try:
        with conn.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    throwaway = None
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        throwaway = f"weft_bench_{os.getpid()}"
        try:
            create_database(throwaway)
        except Exception as exc:
            print(f"bench: cannot create a database on {PG_HOST}:{PG_PORT}: {exc}", file=sys.stderr)
            return 2
        url = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{throwaway}"
        os.environ["DATABASE_URL"] = url
    elif not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        print("bench: DATABASE_URL must point to PostgreSQL", file=sys.stderr)
        return 2
    # Figures of a production-like process: no DEBUG (unless asked), before settings load.
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "weft.settings")
    # WhiteNoise looks for collected static files, which only production builds have.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        return run(args, cleanup=throwaway is None)
    finally:
        if throwaway:
            from django.db import connections

            connections.close_all()
            drop_database(throwaway)


def run(args: argparse.Namespace, *, cleanup: bool) -> int:
    import importlib

    selected = args.only or [name for name in BENCHMARKS if name not in ON_REQUEST]
    RESULTS.mkdir(exist_ok=True)
    failed = []
    for name in BENCHMARKS:
        if name not in selected:
            continue
        module, results = MODULES[name]
        benchmark = importlib.import_module(f"{__package__}.{module}")
        figures, misses = benchmark.run(smoke=args.smoke, cleanup=cleanup)
        path = RESULTS / results
        path.write_text(json.dumps(figures, indent=2) + "\n")
        print(f"\nfigures written to {path}")
        failed += [f"{name}: {miss}" for miss in misses]
    if failed:
        print("\nTARGETS MISSED:", *failed, sep="\n  ", file=sys.stderr)
        return 1
    print("\nall targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
