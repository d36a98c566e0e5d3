"""Value objects only. The standard library is the only import allowed here."""
