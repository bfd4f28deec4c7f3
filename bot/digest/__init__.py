"""The weekly digest the coach reads before the meeting: gathered from the tables (gather.py),
then laid out as a platform-neutral message (render.py)."""
