"""Headless subcommands of the otvisit command line."""
