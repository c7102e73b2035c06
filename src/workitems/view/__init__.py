"""Saved views: named search queries, per user, optionally shared with the team."""
