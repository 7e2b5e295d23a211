"""Coverage planning: how much demand open stations cover, where to build next."""
