"""ui layer of otvisit."""
