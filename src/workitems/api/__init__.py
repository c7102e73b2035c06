"""HTTP transport: routers parse, authorize, call one service function, serialize."""
