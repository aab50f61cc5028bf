"""The registry domain: records, identity, storage. Plain Python, free of Dagster, testable directly."""
