"""Citizen chat page, embeddable chat widget and staff page of the bridge, plus the web chat relay logic."""
