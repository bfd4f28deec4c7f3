"""Front-ends: one package per chat platform, each translating between it and the core."""
