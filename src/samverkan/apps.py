"""Builds the Piccolo app of a domain: its tables module and its migrations folder."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder


def domain_app(name: str, depends_on: tuple[str, ...] = ()) -> AppConfig:
    return AppConfig(
        app_name=name,
        migrations_folder_path=str(Path(__file__).parent / name / "piccolo_migrations"),
        table_classes=table_finder(modules=[f"samverkan.{name}.tables"], exclude_imported=True),
        migration_dependencies=[f"samverkan.{dep}.piccolo_app" for dep in depends_on],
        commands=[],
    )
