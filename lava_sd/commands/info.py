"""``lava-sd info``: what a checkpoint holds and how it maps onto Lava fixed point; for a lava-dl
netx file, the network ``lava_sd.Network.from_netx`` reads from it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    """The options of ``lava-sd info``."""
    parser = argparse.ArgumentParser(
        prog="lava-sd info",
        description="A checkpoint's header (model, sizes, K, classes, normaliser, feature "
        "recipe, training), its per-layer fixed-point mapping and a Loihi 2 resource estimate "
        "(docs/loihi2.md); a lava-dl netx file (.net / .h5): the same for its network.",
    )
    parser.add_argument("checkpoint", type=Path, help="checkpoint (.npz) or netx file")
    parser.add_argument("--json", action="store_true", help="print the header as JSON")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Print the header, the fixed-point report and the Loihi 2 resource estimate (no activity:
    energy and latency need a run, ``Network.loihi2_report(network.run(...))``)."""
    args = build_parser().parse_args(argv)
    import h5py

    if h5py.is_hdf5(args.checkpoint):
        from lava_sd.network import Network

        net = Network.from_netx(args.checkpoint)
        print(f"{args.checkpoint}: lava-dl netx file, read as lava_sd lif layers "
              f"({net.n_in} inputs -> {[layer.n for layer in net.layers]})")  # fmt: skip
        print(net.report())
        print(net.loihi2_report())
        return 0
    from lava_sd.checkpoint import read_header

    header = read_header(args.checkpoint)
    if args.json:
        print(json.dumps(header, indent=2))
        return 0
    config = header["config"]
    print(f"{args.checkpoint}: lava_sd checkpoint v{header['version']} "
          f"(written by lava_sd {header['lava_sd_version']})")  # fmt: skip
    print(f"  model {header['model']}: {config['n_in']} inputs -> {config['hidden']} -> "
          f"{config['n_classes']} classes {header['class_names']}")  # fmt: skip
    print(f"  K = {config['frame_steps']} steps per frame, readout offset {config['frame_offset']}"
          f", readout {config.get('readout_mode', 'mean')}")  # fmt: skip
    options = {k: v for k, v in config.items()
               if k not in ("model", "n_in", "hidden", "n_classes", "frame_steps",
                            "frame_offset", "readout_mode")}  # fmt: skip
    print(f"  options {options}")
    print(f"  feature recipe {header['feature_recipe']}, normaliser "
          f"{'yes' if header['normaliser'] else 'none'}")  # fmt: skip
    facts = {k: v for k, v in header["training"].items() if not isinstance(v, list | dict)}
    print(f"  training {facts}")
    from lava_sd.torch.classifier import load
    from lava_sd.torch.convert import convert

    net = convert(load(args.checkpoint))
    print(net.report())
    print(net.loihi2_report())
    return 0


if __name__ == "__main__":
    from lava_sd.commands.guard import guarded

    sys.exit(guarded("info", main, None))
