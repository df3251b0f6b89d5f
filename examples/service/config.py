"""Settings, and module variables whose types nobody can tell from their line."""

import os
from dataclasses import dataclass


@dataclass
class Settings:
    database: str
    timeout: float


def load_settings() -> Settings:
    return Settings(database=os.environ.get("DB", ":memory:"), timeout=5.0)


settings = load_settings()  # configured as obvious: no finding
database_url = os.environ.get("DATABASE_URL")  # ltk-untyped-module-var
retry_delays = [0.1, 0.5, 2]  # ltk-untyped-module-var: mixed float and int
DEFAULT_TIMEOUT = 5.0
