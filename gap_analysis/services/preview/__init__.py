"""`preview`: the working tree as live HTML."""
