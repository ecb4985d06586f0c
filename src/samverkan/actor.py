"""Who is doing a write: a signed-in user, or the system itself (CLI, jobs)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    id: int | None
    label: str

    @classmethod
    def system(cls, what: str) -> "Actor":
        return cls(id=None, label=f"system:{what}")
