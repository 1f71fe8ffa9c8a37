"""Models of recognition/ (see docs/architecture.md)."""
