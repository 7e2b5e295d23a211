"""One append-only double-entry journal for every money movement."""
