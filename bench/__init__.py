"""Benchmarks of Weft's hot paths, run with ``python -m bench`` (``make bench``).

They need PostgreSQL: the figures are meant for the database Weft runs on in production. With
no ``DATABASE_URL``, the runner creates a throw-away database on 127.0.0.1 and drops it at
the end. See bench/README.md.
"""
