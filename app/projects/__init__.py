"""揭榜挂帅 projects: publish the list, bid, award one, run with a team, report, check results."""
