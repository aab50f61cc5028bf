"""Dagster definitions, resources, schedules and the command line of asf-registry."""
