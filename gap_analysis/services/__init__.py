"""Use cases: each module composes gitstore, records, markdown, diff and render for one job."""
