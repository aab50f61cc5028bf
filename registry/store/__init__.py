"""The registry database: table models, engines, migrations, the write lock, the v1 contract, the personal-data scan."""
