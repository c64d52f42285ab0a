"""The fonts the generator writes with: "print" faces and "handwriting" faces.

The ``handwriting-distorted`` style writes with every handwriting face, each character
distorted on its own (:mod:`ocr_service.synth.distort`).

Paths are those of the Debian/Ubuntu packages fonts-noto-cjk, fonts-ipafont,
fonts-klee, fonts-seto and fonts-yozvox-yozfont. Faces that are not installed are
skipped; a character a face lacks is written with the fallback face instead, so
the truth never contains a character that was drawn as a missing-glyph box.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import ImageFont

NOTO = Path("/usr/share/fonts/opentype/noto")
DISTORTED = "handwriting-distorted"
"""Every handwriting face, each character distorted as a hand would (synth.distort)."""
STYLES = ("print", "handwriting", DISTORTED)
HANDWRITING_STYLES = ("handwriting", DISTORTED)
FACE_SETS = {"print": "print", "handwriting": "handwriting", DISTORTED: "handwriting"}
"""The faces each style writes with."""


@dataclass(frozen=True)
class Face:
    family: str
    path: Path
    index: int = 0

    def font(self, size: int) -> ImageFont.FreeTypeFont:
        return _load(self.path, self.index, max(6, int(size)))


FACES: dict[str, tuple[Face, ...]] = {
    "print": (
        Face("Noto Sans CJK JP", NOTO / "NotoSansCJK-Regular.ttc", 0),
        Face("Noto Serif CJK JP", NOTO / "NotoSerifCJK-Regular.ttc", 0),
        Face("IPAGothic", Path("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf")),
        Face("IPAMincho", Path("/usr/share/fonts/opentype/ipafont-mincho/ipam.ttf")),
    ),
    "handwriting": (
        Face("Klee One", Path("/usr/share/fonts/truetype/klee/KleeOne-Regular.ttf")),
        Face("Klee One SemiBold", Path("/usr/share/fonts/truetype/klee/KleeOne-SemiBold.ttf")),
        Face("SetoFont", Path("/usr/share/fonts/truetype/seto/setofont.ttf")),
        Face("YOzFont N", Path("/usr/share/fonts/truetype/yozvox-yozfont/YOzRN_.ttf")),
    ),
}
FALLBACK = FACES["print"][0]


@cache
def _load(path: Path, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size, index=index)


def available(style: str) -> tuple[Face, ...]:
    if style not in FACE_SETS:
        raise ValueError(f"font style {style!r} is not one of {', '.join(STYLES)}")
    style = FACE_SETS[style]
    faces = tuple(f for f in FACES[style] if f.path.is_file())
    if not faces:
        # A development-machine problem, not a service error: the generator is a test tool.
        raise FileNotFoundError(f"no {style} font is installed (looked for {FACES[style][0].path})")
    return faces


def pick_face(style: str, rng: random.Random) -> Face:
    return rng.choice(available(style))


def face_by_family(family: str) -> Face:
    for faces in FACES.values():
        for face in faces:
            if face.family == family:
                return face
    raise ValueError(f"unknown font family {family!r}")


@cache
def _notdef(face: Face) -> bytes:
    return bytes(face.font(32).getmask("\U000f0000"))


@cache
def has_glyph(face: Face, ch: str) -> bool:
    """Whether ``face`` draws ``ch`` (and not its missing-glyph box)."""
    if ch.isspace():
        return True
    return bytes(face.font(32).getmask(ch)) != _notdef(face)


def face_for(face: Face, ch: str) -> Face:
    return face if has_glyph(face, ch) else FALLBACK
