"""Periodic work, each job named "domain.action" and run by ``workitems worker``."""
