"""Conversation scenarios (dev/, test/), their loader and validator, and the grader of one turn's reply."""
