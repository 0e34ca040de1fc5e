"""Trained weights shipped with lava_sd (package data)."""
