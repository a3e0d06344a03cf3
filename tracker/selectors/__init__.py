"""Reads: what the pages show, computed from the records."""
