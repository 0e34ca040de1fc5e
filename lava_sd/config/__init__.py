"""Model parameters in the papers' terms and their float / fixed-point Lava form."""
