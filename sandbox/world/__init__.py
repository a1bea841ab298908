"""The synthetic world every sandbox API serves a view of.

Everything is a pure function of (profile, seed, anchor date, index): an entity
is generated when a page asks for it, so the large profile never sits in memory.
"""
