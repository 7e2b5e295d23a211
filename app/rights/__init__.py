"""Rights help (维权 / 法律援助): cases with working-day deadlines and escalation."""
