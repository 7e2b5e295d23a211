"""Membership (建会入会): applications, officer decisions, monthly reports."""
