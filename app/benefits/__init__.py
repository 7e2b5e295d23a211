"""Benefit campaigns: e-reading cards, 送清凉 supplies, insurance enrolments."""
