"""The labelled 12345 hotline corpus (see README.md)."""
