"""Settings of a deployment, read once from the environment (prefix SAMVERKAN_) and `.env`."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("var")


class Settings(BaseSettings):
    """Every knob of a deployment; docs/configuration.md describes each one."""

    model_config = SettingsConfigDict(env_prefix="SAMVERKAN_", env_file=".env", extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    database_url: str = Field(
        default="",
        description="postgresql://user:password@host:port/db; empty means SQLite in data_dir.",
    )
    data_dir: Path = DEFAULT_DATA_DIR
    sqlite_busy_timeout_seconds: float = 30.0
    postgres_pool_min: int = 2
    postgres_pool_max: int = 10

    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = ""

    session_cookie_name: str = "samverkan_session"
    session_idle_minutes: int = 120
    session_absolute_hours: int = 12
    login_max_failures: int = 10
    login_failure_window_minutes: int = 15

    max_page_size: int = 200

    @property
    def is_sqlite(self) -> bool:
        return not self.database_url or self.database_url.startswith("sqlite:")

    @property
    def sqlite_path(self) -> Path:
        if self.database_url.startswith("sqlite:///"):
            return Path(self.database_url.removeprefix("sqlite:///"))
        return self.data_dir / "samverkan.sqlite"

    @property
    def secure_cookies(self) -> bool:
        return self.environment == "production"

    @property
    def base_url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
