"""Models of mentoring/ (see docs/architecture.md)."""
