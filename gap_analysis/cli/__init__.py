"""The command line: the only importer of click. Thin: parse, call a service, print."""
