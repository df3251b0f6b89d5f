"""Settings, with every module variable's type plain from its line."""

import os
from dataclasses import dataclass


@dataclass
class Settings:
    database: str
    timeout: float


def load_settings() -> Settings:
    return Settings(database=os.environ.get("DB", ":memory:"), timeout=5.0)


settings = load_settings()
database_url: str | None = os.environ.get("DATABASE_URL")
retry_delays = [0.1, 0.5, 2.0]
DEFAULT_TIMEOUT = 5.0
