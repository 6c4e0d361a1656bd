"""Family experience surveys: enter a paper survey, print a blank one, the team's results."""
