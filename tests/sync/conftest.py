"""Sync test fixtures (the in-memory keyring comes from tests/conftest.py)."""
