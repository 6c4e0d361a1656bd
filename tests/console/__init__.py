"""Browser tests of the team console (real Chromium, real server process)."""
