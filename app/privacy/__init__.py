"""Personal information protection: consents, export, deletion, retention, access review."""
