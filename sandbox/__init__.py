"""Pantau's sandbox: a local server that speaks the eight sources' real APIs
over one seeded synthetic world, with its ground truth recorded."""
