"""Bundled data: strategy library, letter texts, fonts, icons."""
