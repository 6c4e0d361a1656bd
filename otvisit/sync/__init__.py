"""sync layer of otvisit."""
