"""Dagster assets, asset checks and source connectors: thin wiring around the `registry` domain."""
