"""The open HTTP API (FastAPI): an entrypoint like the TUI and the CLI.

Each route parses, checks the key and its scope, calls one use case in
``services/integrations`` (or the floor's own services) and renders the
result; refusals come back as one-line errors with the right status. See
``docs/api.md``.
"""
