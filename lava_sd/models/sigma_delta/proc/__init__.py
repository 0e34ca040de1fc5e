"""The ΣΔ layer process and its models (the only modules Lava's model discovery executes here)."""
