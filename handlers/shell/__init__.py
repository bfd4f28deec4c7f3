"""The terminal front-end: the same core, database and scheduler, with simulated time."""
