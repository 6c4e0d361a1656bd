"""Tests of the team's sync server."""
