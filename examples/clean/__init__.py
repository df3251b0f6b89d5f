"""The same service as ../service, written the way the style guide asks."""
