"""Expected progress from the municipality's own history (issue 21): the band of earlier
courses that started where a citizen started, on her charts, and the citizens not on track."""
