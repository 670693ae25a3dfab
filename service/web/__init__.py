"""The staff review UI."""
