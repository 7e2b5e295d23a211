"""Notices to users: in-app messages and WeChat subscribe messages through an outbox."""
