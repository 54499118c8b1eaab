"""The row contract: the columns and vocabularies of projects.csv, documents.csv and the registry folder."""
