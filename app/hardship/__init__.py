"""Hardship files (困难职工档案): eligibility, home visit, review up the chain, public notice,
yearly review, closing and reopening."""
