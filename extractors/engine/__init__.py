"""The shared HTTP extraction engine: sources declare streams as data, this runs them."""
