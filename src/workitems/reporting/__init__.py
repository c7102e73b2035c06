"""Read-only reports across the domains (the dashboard): they count and never change."""
