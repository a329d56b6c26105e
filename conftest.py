"""Repository defaults for pytest (the project's pytest plugin registers itself separately)."""
