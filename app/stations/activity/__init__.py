"""What workers do at a station and what officers see of it: check-ins, visits, feedback."""
