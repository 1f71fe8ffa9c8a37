"""Models of forums/ (see docs/architecture.md)."""
