"""Interchange and deployment: descriptions of lava_sd networks for other tools and chips."""
