"""The team lead's web console: services shared with the JSON API, and server-rendered pages."""
