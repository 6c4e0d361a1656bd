"""reports layer of otvisit."""
