"""The L2MU layer process and its models (executed by Lava's model discovery)."""
