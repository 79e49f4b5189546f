"""The scenarios, in the order they run; each yields rows for the table."""

ALL = []
