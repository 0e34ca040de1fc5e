"""The layers of docs/architecture.md hold: no two parts of lava_sd import each other, model
folders that Lava's discovery executes import no torch, and importing lava_sd imports no torch."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "lava_sd"


def part(module: str) -> str | None:
    """The part of lava_sd a module belongs to: a top-level module or sub-package."""
    names = module.split(".")
    if names[0] != "lava_sd":
        return None
    return "lava_sd" if len(names) == 1 else names[1]


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at module level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_no_two_parts_import_each_other() -> None:
    edges: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        source = part(module.removesuffix(".__init__"))
        for target in filter(None, map(part, imports(path))):
            if target not in (source, "lava_sd"):
                edges[source].add(target)
    both = sorted((a, b) for a in edges for b in edges[a] if a < b and a in edges.get(b, ()))
    assert not both, f"these parts import each other: {both}"


def test_process_folders_import_no_torch() -> None:
    for folder in PACKAGE.glob("models/*/proc"):
        for path in folder.glob("*.py"):
            assert not any(name.split(".")[0] == "torch" for name in imports(path)), path


def test_importing_lava_sd_imports_no_torch() -> None:
    code = "import lava_sd, sys; lava_sd.REGISTRY['alif']; print('torch' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
