"""The Word adapter: the only importer of python-docx (writing reports and redlines, reading reviewed copies)."""
