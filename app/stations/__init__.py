"""Outdoor-worker stations: nearby search, management, check-ins, feedback, coverage."""
