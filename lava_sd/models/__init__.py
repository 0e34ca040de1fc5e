"""lava_sd models, one folder each (the lead engineer's registry will live here)."""
