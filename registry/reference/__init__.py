"""Reference data and vocabularies: kommuner and län, activity areas, organisationsnummer and personnummer,
name folding."""
