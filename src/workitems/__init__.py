"""Workitems: the operational action queue of a team."""

__version__ = "0.1.0"
