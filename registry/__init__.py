"""The registry domain: records, identity, storage. Plain Python, free of Dagster, testable directly."""

import csv

# One cap on a CSV field for every reader in the project (the city's lists, review and dedupe sheets, the
# register's bulk files), set here because the csv module has only a process-wide setting: set in one reader's
# module, it would change the others depending on what happened to be imported first. csv's default (131,072
# characters) is an accident of history; each reader turns the csv module's error into one naming the file
# and the line.
MAX_CSV_FIELD_CHARS = 1_000_000
csv.field_size_limit(MAX_CSV_FIELD_CHARS)
