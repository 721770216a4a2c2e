"""Issue 23: `make demo` installs without setuptools warnings — every shipped data folder is declared.

setuptools warns "Package 'orderflow.samples.inbox' is absent from the `packages` configuration" (and
will stop shipping its files) for each folder under a listed package that holds package data but is
not listed itself. This walks the real folders against the real pyproject.toml.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_every_folder_holding_package_data_is_a_listed_package() -> None:
    conf = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    packages = set(conf["packages"])
    assert conf["package-dir"] == {"orderflow": "."}
    undeclared = []
    for pkg in sorted(conf["package-data"]):
        assert pkg in packages, f"package data for {pkg}, which is not a listed package"
        folder = REPO.joinpath(*pkg.split(".")[1:])
        assert folder.is_dir(), f"{pkg} is listed but {folder} does not exist"
        for sub in folder.iterdir():
            if sub.name == "__pycache__" or not sub.is_dir():
                continue
            if any(p.is_file() for p in sub.iterdir()) and f"{pkg}.{sub.name}" not in packages:
                undeclared.append(f"{pkg}.{sub.name}")
    assert undeclared == []


def test_the_demo_samples_and_review_assets_are_package_data() -> None:
    data = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    for pkg in ("orderflow.samples.inbox", "orderflow.samples.reference", "orderflow.review.templates",
                "orderflow.review.static"):
        assert data.get(pkg) == ["*"], pkg
