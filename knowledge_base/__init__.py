"""Procedure catalogue and search for the ward reception assistant."""
