"""Build scripts that materialise model artefacts (outputs are git-ignored)."""
