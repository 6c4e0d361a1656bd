"""otvisit: offline-first records for children's community occupational therapists."""

__version__ = "0.1.0"
