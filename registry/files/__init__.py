"""Reading and writing files safely: configured paths, zip archives, spreadsheets, outputs written atomically."""
