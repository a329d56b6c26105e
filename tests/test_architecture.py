"""The import layers of ARCHITECTURE.md, enforced on the source tree."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "odoo_harness"

# package -> packages it must never import
FORBIDDEN = {
    "engine": {"odoo", "providers", "scenarios", "cli", "reports", "load"},
    "odoo": {"providers", "engine", "scenarios", "cli", "reports", "load"},
    "providers": {"odoo", "engine", "scenarios", "cli", "reports", "load"},
    "contracts": {"odoo", "providers", "engine", "scenarios", "cli", "reports", "load"},
    "journal": {"odoo", "providers", "engine", "scenarios", "cli", "reports", "load"},
}


def _imported_packages(path: Path) -> set[str]:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return _imports_of(path.read_text(encoding="utf-8"), parts)


def _imports_of(source: str, package_parts: tuple[str, ...]) -> set[str]:
    """The odoo_harness subpackages that ``source`` (the module ``package_parts``) imports."""
    tree = ast.parse(source)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "odoo_harness" and len(parts) > 1:
                    found.add(parts[1])
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package_parts[: len(package_parts) - node.level])
                target = base + (node.module.split(".") if node.module else [])
            else:
                target = (node.module or "").split(".")
            if target and target[0] == "odoo_harness" and len(target) > 1:
                found.add(target[1])
            if node.module is None and node.level and len(base) == 1:
                found.update(alias.name for alias in node.names)
    return found


def _sources(package: str) -> list[Path]:
    return sorted((PACKAGE / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layers(package: str) -> None:
    offences = []
    for path in _sources(package):
        bad = _imported_packages(path) & FORBIDDEN[package]
        if bad:
            offences.append(f"{path.relative_to(PACKAGE)} imports {sorted(bad)}")
    assert not offences, "\n".join(offences)


def test_only_load_imports_locust() -> None:
    offences = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "load" not in path.relative_to(PACKAGE).parts[:1]
        and any(
            isinstance(n, (ast.Import, ast.ImportFrom))
            and any(
                (getattr(n, "module", None) or a.name).split(".")[0] == "locust" for a in n.names
            )
            for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
    ]
    assert not offences


def test_the_checker_sees_violations() -> None:
    """Relative and absolute forbidden imports are both seen (the layer test can fail)."""
    module = ("odoo_harness", "engine", "worker")
    assert "odoo" in _imports_of("from ..odoo import sandbox\n", module)
    assert "providers" in _imports_of("import odoo_harness.providers.shop\n", module)
    assert "journal" in _imports_of("from ..journal import Journal\n", module)
