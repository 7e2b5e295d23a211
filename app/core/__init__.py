"""Shared building blocks every domain uses; imports no domain."""
