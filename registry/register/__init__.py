"""Stage 3, register and enrich: Bolagsverket's and SCB's files, the snapshot, matching to it, discovery, the API."""
