"""gap-analysis: versioned, reviewable multi-chapter reports kept as Markdown in git."""

__version__ = "0.1.0"
