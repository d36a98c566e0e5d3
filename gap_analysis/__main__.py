"""`python -m gap_analysis` runs the command line."""

from gap_analysis.cli.app import run

run()
