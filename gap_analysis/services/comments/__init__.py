"""comments use cases."""
