"""Aid programs (扶智纾困): applications along an approval chain, budget, disbursement, stats."""
