"""Scoped API tokens: only their hash is stored."""
