"""Demo data for ``manage.py seed_demo`` and the benchmarks; the app itself never calls it."""
