"""Reads of forums/: bounded query counts whatever the size of the data."""
