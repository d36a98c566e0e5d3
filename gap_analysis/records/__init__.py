"""`review/` records: TOML files of versions, events and comments <-> model objects."""
