"""The only HTTP server of the tool (the live preview), on the standard library's `http.server`."""
