"""The LIF layer process and its models (executed by Lava's model discovery)."""
