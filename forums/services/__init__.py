"""Writes of forums/: every change goes through one function here (checks, writes,
activity in the same transaction, side effects after commit)."""
