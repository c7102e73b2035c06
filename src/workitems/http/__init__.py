"""What the HTTP transports share, so ``api/`` and ``web/`` stay siblings.

The request's session (commit once, at the edge) and the one table that says which HTTP
status a domain error means. Neither transport imports the other; both import this.
"""
