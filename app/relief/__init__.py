"""Relief between unions: allocations, payouts, the report back."""
