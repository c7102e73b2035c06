"""Real server processes: see ``tests/servers.py``."""

from tests.servers import servers, token

__all__ = ["servers", "token"]
