"""Uploaded documents: content-checked, re-encoded, stored under random names."""
