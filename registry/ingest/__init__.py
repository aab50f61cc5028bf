"""Stage 1, ingest: source records and their validation, the polite HTTP client, the raw archive, source health."""
