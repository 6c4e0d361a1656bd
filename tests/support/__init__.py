"""Helpers shared by tests of several packages (real server processes, databases)."""
