"""Print the AcroForm widgets of one PDF page as template zones in reference pixels.

    python scripts/acroform_zones.py FORM.pdf --page 1 --dpi 200

For each widget: its full field name, kind (text, check, choice), ``[x, y, w, h]`` in the
pixels of the page rendered at ``--dpi`` (origin top-left, as templates use), the comb
length (MaxLen) of text widgets and the on-states of check boxes. A comb text widget
(one printed box per character) is also given as its boxes. Copy the rectangles into
``template.yaml``: they are the form's own writing areas, exact to the pixel.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

from pypdf import PdfReader
from pypdf.generic import DictionaryObject

COMB = 1 << 24
KINDS = {"/Tx": "text", "/Btn": "check", "/Ch": "choice", "/Sig": "signature"}


def inherited(widget: DictionaryObject, key: str) -> Any:
    node: DictionaryObject | None = widget
    while node is not None:
        if key in node:
            return node[key]
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return None


def full_name(widget: DictionaryObject) -> str:
    parts: list[str] = []
    node: DictionaryObject | None = widget
    while node is not None:
        if "/T" in node:
            parts.append(str(node["/T"]))
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return ".".join(reversed(parts))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("pdf")
    ap.add_argument("--page", type=int, default=1)
    ap.add_argument("--dpi", type=int, default=200)
    args = ap.parse_args()
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    page = PdfReader(args.pdf).pages[args.page - 1]
    box = page.mediabox
    scale = args.dpi / 72
    for annot in page.get("/Annots") or []:
        w = annot.get_object()
        if w.get("/Subtype") != "/Widget":
            continue
        x0, y0, x1, y1 = (float(v) for v in w["/Rect"])
        left, top = min(x0, x1), max(y0, y1)
        bbox = [
            round((left - float(box.left)) * scale),
            round((float(box.top) - top) * scale),
            round(abs(x1 - x0) * scale),
            round(abs(y1 - y0) * scale),
        ]
        kind = KINDS.get(str(inherited(w, "/FT")), "?")
        extra = ""
        max_len = inherited(w, "/MaxLen")
        if max_len:
            extra += f" maxlen={int(max_len)}"
            if int(inherited(w, "/Ff") or 0) & COMB:
                n = int(max_len)
                step = bbox[2] / n
                boxes = [
                    [round(bbox[0] + i * step), bbox[1], round(step), bbox[3]] for i in range(n)
                ]
                extra += f" comb boxes={boxes}"
        if kind == "check" and "/AP" in w:
            states = [str(k) for k in w["/AP"]["/N"] if k != "/Off"]
            extra += f" on={states}"
        print(f"{full_name(w)}\t{kind}\t{bbox}{extra}")


if __name__ == "__main__":
    main()
