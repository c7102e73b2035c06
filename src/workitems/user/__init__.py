"""People: who can own work, and the names they go by in meetings."""
