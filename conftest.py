"""Repository defaults for pytest (the project's pytest plugin registers itself separately,
through the ``pytest11`` entry point). ``pytester`` tests the scenario plugin as users run it."""

pytest_plugins = ["pytester"]
