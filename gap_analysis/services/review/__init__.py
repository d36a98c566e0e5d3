"""review use cases."""
