"""The benchmark's templates: several template folders as one registry, each template tagged.

A template is ``ours`` or ``not_designed`` by the folder it comes from:

* ``templates_forms/`` - ours: forms this project designed (the 給付金 and 転入届
  forms), and the IRS W-9, which was authored from a real form but then tuned on
  until it read well, so it is no longer a fair stand-in for a form nobody tuned;
* ``templates_realforms/`` - not designed: templates authored for real published
  forms, following only the README, and not tuned on (:data:`NOT_DESIGNED_FOLDERS`).

The report gives each origin its own rows; a template's origin can be overridden in
:data:`ORIGIN_OVERRIDES` (with the reason in a comment).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from ocr_service.errors import InvalidValue, TemplateNotFound
from ocr_service.templates.loader import (
    LoadedTemplate,
    TemplateRegistry,
    default_realforms_dir,
    default_templates_dir,
)

Origin = Literal["ours", "not_designed"]
OURS: Origin = "ours"
NOT_DESIGNED: Origin = "not_designed"
ORIGIN_TITLES: dict[str, str] = {OURS: "our forms", NOT_DESIGNED: "forms we did not design"}

NOT_DESIGNED_FOLDERS = ("templates_realforms",)
"""Template folders (by name) that hold forms we did not design."""
ORIGIN_OVERRIDES: dict[str, Origin] = {}
"""Template id -> origin, where the folder rule is wrong for one template."""


def realforms_templates_dir() -> Path:
    """``templates_realforms/`` beside the package (templates of forms we did not design)."""
    return Path(__file__).resolve().parents[2] / "templates_realforms"


def default_dirs() -> list[Path]:
    """The usual templates folder, plus ``templates_realforms/`` when it exists and so does
    the realforms folder its pages are rendered from (``OCR_REALFORMS_DIR``)."""
    dirs = [default_templates_dir()]
    real = realforms_templates_dir()
    renderable = default_realforms_dir().is_dir()
    if real.is_dir() and renderable and real.resolve() != dirs[0].resolve():
        dirs.append(real)
    return dirs


def origin_of_dir(folder: Path) -> Origin:
    return NOT_DESIGNED if folder.resolve().name in NOT_DESIGNED_FOLDERS else OURS


class MultiRegistry(TemplateRegistry):
    """The templates of several folders, loaded strictly; an id may appear in one only."""

    def __init__(self, dirs: Sequence[Path]) -> None:
        if not dirs:
            raise InvalidValue("no template folder given")
        super().__init__(dirs[0])
        self.registries = [TemplateRegistry(d) for d in dirs]
        seen: dict[str, Path] = {}
        for reg in self.registries:
            for tid in reg.ids():
                if tid in seen:
                    raise InvalidValue(
                        f"template {tid!r} is in both {seen[tid]} and {reg.root}; "
                        "give each template one folder"
                    )
                seen[tid] = reg.root
        self._home = seen

    def ids(self) -> list[str]:
        return sorted(self._home)

    def get(self, template_id: str) -> LoadedTemplate:
        for reg in self.registries:
            if reg.root == self._home.get(template_id):
                return reg.get(template_id)
        raise self._not_found(template_id)

    def _not_found(self, template_id: str) -> TemplateNotFound:
        known = ", ".join(self.ids()) or "none"
        return TemplateNotFound(
            f"unknown template {template_id!r}; known templates: {known}", template=template_id
        )

    def origin(self, template_id: str) -> Origin:
        """``ours`` or ``not_designed`` (:data:`ORIGIN_OVERRIDES` first, then the folder)."""
        if template_id in ORIGIN_OVERRIDES:
            return ORIGIN_OVERRIDES[template_id]
        home = self._home.get(template_id)
        if home is None:
            raise self._not_found(template_id)
        return origin_of_dir(home)

    def origins(self, template_ids: Sequence[str]) -> dict[str, str]:
        return {tid: self.origin(tid) for tid in template_ids}
