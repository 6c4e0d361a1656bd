"""Sync in the window: the status bar, background sync and the conflicts view."""
