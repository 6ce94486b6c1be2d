"""Benchmarks (not tests): `python -m bench` times the client list on a large SQLite database."""
