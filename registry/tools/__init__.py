"""What people run against the registry: exports, find, review, dedupe, the report, doctor, alerts."""
