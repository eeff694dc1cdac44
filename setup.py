"""The package list (the rest of the configuration is in pyproject.toml): itanb's packages, found as
``[tool.setuptools.packages.find]`` finds them, and ``itanb.notebooks``, the report notebooks kept in
``notebooks/reports`` (mapped in pyproject.toml's ``[tool.setuptools.package-dir]``), which a find table
cannot add."""

from setuptools import find_namespace_packages, setup

found = find_namespace_packages(include=["itanb", "itanb.*"], exclude=["*.__pycache__"])
setup(packages=[*found, "itanb.notebooks"])
