"""Checks beyond the schema (记录检查): per order file and across files (``orders``), assessment events
(``assessment_events``), and the plain list of repository checks ``hotline check`` runs (``suite``)."""
