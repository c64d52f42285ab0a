"""The reviewer page (`/review`) and the clerk's upload page (`/upload`): static HTML,
JavaScript and CSS served by the API (no build step)."""

from __future__ import annotations

from pathlib import Path

WEB_DIR = Path(__file__).resolve().parent
