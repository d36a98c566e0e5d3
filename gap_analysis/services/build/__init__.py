"""build use cases."""
