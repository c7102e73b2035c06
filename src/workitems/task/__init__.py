"""Active work: tasks, their lifecycle, history and comments."""
