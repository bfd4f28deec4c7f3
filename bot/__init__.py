"""The platform-neutral core of supervision-bot: domain, storage, scheduling, digests and the command grammar."""
