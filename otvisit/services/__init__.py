"""services layer of otvisit."""
