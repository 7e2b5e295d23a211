"""Identity: WeChat login, our own tokens, phone binding, the current user."""
