"""The review queue: candidates wait here until a reviewer approves, rejects or merges them."""
