"""Benchmarks, run by ``lava-sd bench NAME`` or the scripts in ``benchmarks/``."""
