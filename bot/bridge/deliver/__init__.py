"""Deliver: copies reach Discord in order, paced to its limits, combined under surges, retried until taken."""
