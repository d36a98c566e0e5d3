"""check use cases."""
