"""The only importer of markdown_it and yaml: chapter text -> tokens, structure and HTML."""
