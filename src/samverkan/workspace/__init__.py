"""The coordinators' workspace: server-rendered pages under /workspace (docs/workspace.md)."""
