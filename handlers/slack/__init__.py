"""The Slack front-end: Bolt listeners, Block Kit rendering, and the Web API messenger."""
