"""One mypy cache per case configuration (pytest-mypy-plugins keeps one per worker).

A case's ``mypy_config`` changes mypy's options (``enable_error_code``...) or the
plugin's settings, and either makes mypy's whole cache stale: with one cache
directory per worker, every case after a case with another configuration
re-checked the standard library and httpx from scratch. Each configuration (and
mypy release: ``.ci/run`` runs two, on one testing base) gets its own directory
under the worker's, so cases that share one stay warm. A case's own files are
always checked afresh: it runs in a new directory and pytest-mypy-plugins removes
their cache entries after it.
"""

from __future__ import annotations

import hashlib
import os

import mypy.version
import pytest
from pytest_mypy_plugins.item import YamlTestItem


def pytest_itemcollected(item: pytest.Item) -> None:
    """Point a YAML case at the cache directory of its configuration."""
    if not isinstance(item, YamlTestItem):
        return
    identity = f"{mypy.version.__version__}\n{item.additional_mypy_config}"
    key = hashlib.sha256(identity.encode()).hexdigest()[:12]
    item.incremental_cache_dir = os.path.join(item.incremental_cache_dir, key)
