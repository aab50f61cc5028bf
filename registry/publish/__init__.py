"""Stage 4, publish: organisation values, change detection, publishing and its gate."""
