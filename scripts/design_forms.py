"""Draw the two shipped Japanese blank forms and write their templates.

Usage::

    .venv/bin/python scripts/design_forms.py [--out templates_forms]

Each form is drawn with PIL on an A4 page at 200 dpi (1654 x 2339 px) in black on
white, using Noto Sans CJK JP. Every field's ``bbox`` is the writing area inside
its ruled cell, kept ``GAP`` px away from the printed lines, so that once the
printed form is dropped out only the handwriting is left in the zone. Labels and
printed hints (era names, 〒, 人) are always outside the zone.

The script is deterministic: running it again writes byte-identical files.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT, DPI = 1654, 2339, 200
LEFT, RIGHT = 110, 1544
GAP = 8
"""Distance between a cell's printed border and its writing area."""
BOX_INSET = 5
"""Distance between a printed box's line and the box interior."""
LABEL_W = 230
THICK, THIN = 4, 2

SANS = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
SANS_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
SANS_JP_INDEX = 0

Rect = tuple[int, int, int, int]
"""``(x0, y0, x1, y1)`` of a printed cell, inclusive of its border lines."""


def font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(SANS_BOLD if bold else SANS, size, index=SANS_JP_INDEX)


@dataclass
class Sheet:
    """A blank page being drawn, and the field specs collected while drawing it."""

    image: Image.Image
    draw: ImageDraw.ImageDraw
    fields: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def blank(cls) -> Sheet:
        image = Image.new("L", (WIDTH, HEIGHT), 255)
        return cls(image=image, draw=ImageDraw.Draw(image))

    def add(self, spec: dict[str, Any]) -> None:
        self.fields.append(spec)


# ---------------------------------------------------------------- drawing primitives


def text(
    sheet: Sheet, xy: tuple[int, int], s: str, size: int, *, anchor: str = "lm", bold: bool = False
) -> Rect:
    """Print ``s`` and return its ink rectangle."""
    f = font(size, bold=bold)
    sheet.draw.text(xy, s, fill=0, font=f, anchor=anchor)
    x0, y0, x1, y1 = sheet.draw.textbbox(xy, s, font=f, anchor=anchor)
    return int(x0), int(y0), int(x1), int(y1)


def cell(sheet: Sheet, r: Rect, width: int = THIN) -> None:
    sheet.draw.rectangle(r, outline=0, width=width)


def label_cell(sheet: Sheet, r: Rect, label: str, size: int = 26) -> None:
    """A shaded label cell with its label centred."""
    sheet.draw.rectangle(r, fill=232, outline=0, width=THIN)
    text(sheet, ((r[0] + r[2]) // 2, (r[1] + r[3]) // 2), label, size, anchor="mm")


def writing_area(r: Rect, *, left: int = 0, right: int = 0, top: int = 0) -> list[int]:
    """The ``[x, y, w, h]`` zone inside cell ``r`` leaving GAP px (plus reserves) to its lines."""
    x0 = r[0] + GAP + left
    y0 = r[1] + GAP + top
    x1 = r[2] - GAP - right
    y1 = r[3] - GAP
    return [x0, y0, x1 - x0, y1 - y0]


def square(sheet: Sheet, x: int, y: int, side: int, width: int = THIN) -> list[int]:
    """Print a square box with top-left ``(x, y)``; return its interior zone."""
    sheet.draw.rectangle((x, y, x + side, y + side), outline=0, width=width)
    inner = BOX_INSET
    return [x + inner, y + inner, side - 2 * inner + 1, side - 2 * inner + 1]


def box_row(sheet: Sheet, x: int, y: int, n: int, side: int) -> tuple[list[int], list[list[int]]]:
    """Print ``n`` adjacent character boxes; return (field bbox, box interiors)."""
    boxes: list[list[int]] = []
    sheet.draw.rectangle((x, y, x + n * side, y + side), outline=0, width=THIN + 1)
    for i in range(n):
        bx = x + i * side
        if i:
            dash_line(sheet, bx, y, y + side)
        boxes.append([bx + BOX_INSET, y + BOX_INSET, side - 2 * BOX_INSET, side - 2 * BOX_INSET])
    first, last = boxes[0], boxes[-1]
    bbox = [first[0], first[1], last[0] + last[2] - first[0], first[3]]
    return bbox, boxes


def dash_line(sheet: Sheet, x: int, y0: int, y1: int) -> None:
    """A thin vertical separator between character boxes."""
    sheet.draw.line((x, y0, x, y1), fill=0, width=THIN)


def options_row(
    sheet: Sheet, zone: list[int], labels: list[tuple[str, str]], size: int = 30
) -> list[dict[str, Any]]:
    """Print choice words spread across ``zone`` joined by ・; return option specs.

    Each option's zone is a rectangle around its printed word, big enough that a
    circle drawn around the word is mostly inside it.
    """
    x, y, w, h = zone
    n = len(labels)
    slot = w // n
    cy = y + h // 2
    options: list[dict[str, Any]] = []
    for i, (value, word) in enumerate(labels):
        cx = x + slot * i + slot // 2
        x0, _, x1, _ = text(sheet, (cx, cy), word, size, anchor="mm")
        if i:
            text(sheet, (x + slot * i, cy), "・", size, anchor="mm")
        pad = min(28, (slot - (x1 - x0)) // 2 - 12)
        ox0 = max(x, x0 - pad)
        ox1 = min(x + w, x1 + pad)
        options.append({"value": value, "label": word, "bbox": [ox0, y, ox1 - ox0, h]})
    return options


# ---------------------------------------------------------------- field spec helpers


def spec(
    name: str, label: str, bbox: list[int], ftype: str, *, language: str = "jpn", **extra: Any
) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "label": label, "page": 1, "bbox": list(bbox)}
    out["type"] = ftype
    out["language"] = language
    out.update(extra)
    return out


def checkbox_item(sheet: Sheet, x: int, cy: int, name: str, label: str) -> int:
    """A printed check square followed by its label; return the x after the label."""
    side = 40
    zone = square(sheet, x, cy - side // 2, side)
    sheet.add(spec(name, label, zone, "checkbox"))
    _, _, x1, _ = text(sheet, (x + side + 12, cy), label, 26)
    return x1


# ---------------------------------------------------------------- shared page furniture


def header(sheet: Sheet, *, form_no: str, title: str, subtitle: str, lines: list[str]) -> int:
    """Form number, addressee, title and instructions; return the y below them."""
    text(sheet, (LEFT, 70), form_no, 24)
    text(sheet, (RIGHT, 70), "〇〇市", 30, anchor="rm", bold=True)
    text(sheet, (LEFT, 125), "〇〇市長　様", 28)
    text(sheet, (WIDTH // 2, 200), title, 56, anchor="mm", bold=True)
    text(sheet, (WIDTH // 2, 262), subtitle, 24, anchor="mm")
    y = 305
    for line in lines:
        text(sheet, (LEFT, y), line, 21)
        y += 32
    return y + 6


def footer(sheet: Sheet, *, office: str, revision: str) -> None:
    sheet.draw.line((LEFT, 2235, RIGHT, 2235), fill=0, width=THIN)
    text(sheet, (LEFT, 2262), office, 21)
    text(sheet, (LEFT, 2294), "〒000-0000　〇〇市〇〇町一丁目1番1号　電話 0000-00-0000（代表）", 21)
    text(sheet, (RIGHT, 2294), revision, 21, anchor="rm")


def office_use(sheet: Sheet, y: int, cols: list[str]) -> None:
    """The 「市使用欄」 block of stamp boxes at the bottom of the page."""
    text(sheet, (LEFT, y + 18), "※市使用欄（記入しないでください）", 22)
    top = y + 40
    w = (RIGHT - LEFT) // len(cols)
    for i, col in enumerate(cols):
        x0 = LEFT + i * w
        x1 = RIGHT if i == len(cols) - 1 else x0 + w
        label_cell(sheet, (x0, top, x1, top + 40), col, 22)
        cell(sheet, (x0, top + 40, x1, top + 130))
    sheet.draw.rectangle((LEFT, top, RIGHT, top + 130), outline=0, width=THICK)


def thick_frame(sheet: Sheet, top: int, bottom: int) -> None:
    sheet.draw.rectangle((LEFT, top, RIGHT, bottom), outline=0, width=THICK)


# ---------------------------------------------------------------- 転入届


def draw_tennyu() -> Sheet:
    s = Sheet.blank()
    y = header(
        s,
        form_no="様式第1号（第3条関係）",
        title="住民異動届（転入届）",
        subtitle="住民基本台帳法第22条の規定により、次のとおり届け出ます。",
        lines=[
            "・太枠の中を黒のボールペンで記入してください。消えるペンは使用できません。",
            "・該当する項目を〇で囲み、関連する手続きの□には✓を付けてください。",
            "・転入した日から14日以内に届け出てください。本人確認書類を提示してください。",
        ],
    )
    # 届出日 in a small table at the top right, above the frame.
    fx0 = RIGHT - 640
    label_cell(s, (fx0, 100, fx0 + 150, 170), "届出日")
    date_cell = (fx0 + 150, 100, RIGHT, 170)
    cell(s, date_cell)
    s.add(
        spec(
            "filing_date",
            "届出日",
            writing_area(date_cell),
            "date",
            date_style="wareki",
            required=True,
        )
    )
    top = y
    rows: list[Callable[[Sheet, int], int]] = [
        _row_move,
        _row_furigana,
        _row_name,
        _row_birth_sex,
        _row_relationship,
        _row_heads,
        _row_postal_phone,
        _row_address,
        _row_previous_address,
        _row_honseki,
        _row_email,
        _row_procedures,
        _row_notes,
        _row_signature,
    ]
    for row in rows:
        y = row(s, y)
    thick_frame(s, top, y)
    office_use(s, y + 20, ["受付", "入力", "照合", "住記", "国保", "年金", "交付"])
    footer(s, office="〇〇市役所 市民課 住民記録係", revision="R6.4改訂")
    return s


def _label_and_cell(
    s: Sheet, x0: int, x1: int, y: int, h: int, label: str, *, size: int = 26
) -> Rect:
    label_cell(s, (x0, y, x0 + LABEL_W, y + h), label, size)
    r = (x0 + LABEL_W, y, x1, y + h)
    cell(s, r)
    return r


MID = 860
"""x where two-column rows split."""


def _row_move(s: Sheet, y: int) -> int:
    h = 100
    r = _label_and_cell(s, LEFT, MID, y, h, "異動日")
    s.add(spec("move_date", "異動日", writing_area(r), "date", date_style="any", required=True))
    r2 = _label_and_cell(s, MID, RIGHT, y, h, "異動人数")
    text(s, (r2[2] - 24, y + h // 2), "人", 28, anchor="rm")
    zone = writing_area(r2, right=48)
    s.add(
        spec(
            "number_of_people",
            "異動人数",
            zone,
            "digits",
            language="eng",
            required=True,
            whitelist="0123456789",
            max_length=2,
            min=1,
            max=20,
        )
    )
    return y + h


def _row_furigana(s: Sheet, y: int) -> int:
    h = 70
    r = _label_and_cell(s, LEFT, RIGHT, y, h, "フリガナ")
    s.add(
        spec(
            "furigana",
            "フリガナ",
            writing_area(r),
            "kana",
            kana="katakana",
            required=True,
            reading_of="name",
        )
    )
    return y + h


def _row_name(s: Sheet, y: int) -> int:
    h = 120
    r = _label_and_cell(s, LEFT, RIGHT, y, h, "氏　名")
    s.add(spec("name", "氏名", writing_area(r), "text", required=True))
    return y + h


def _row_birth_sex(s: Sheet, y: int) -> int:
    h = 130
    r = _label_and_cell(s, LEFT, MID + 200, y, h, "生年月日")
    text(s, (r[0] + 14, y + 22), "明治・大正・昭和・平成・令和　　年　　月　　日", 20)
    s.add(
        spec(
            "date_of_birth",
            "生年月日",
            writing_area(r, top=30),
            "date",
            date_style="wareki",
            required=True,
        )
    )
    r2 = _label_and_cell(s, MID + 200, RIGHT, y, h, "性別")
    zone = writing_area(r2)
    options = options_row(s, zone, [("male", "男"), ("female", "女")], size=34)
    s.add(spec("sex", "性別", zone, "choice", required=True, options=options))
    return y + h


def _row_relationship(s: Sheet, y: int) -> int:
    h = 90
    r = _label_and_cell(s, LEFT, RIGHT, y, h, "続　柄")
    zone = writing_area(r, right=560)
    words = [("head", "世帯主"), ("spouse", "妻"), ("child", "子"), ("other", "その他")]
    options = options_row(s, zone, words, size=30)
    s.add(spec("relationship", "続柄", zone, "choice", required=True, options=options))
    text(s, (r[2] - 540, y + h // 2), "（世帯主からみた続柄を〇で囲む）", 20)
    return y + h


def _row_heads(s: Sheet, y: int) -> int:
    h = 100
    r = _label_and_cell(s, LEFT, MID, y, h, "世帯主氏名")
    s.add(spec("household_head", "世帯主氏名", writing_area(r), "text", required=True))
    r2 = _label_and_cell(s, MID, RIGHT, y, h, "前世帯主")
    s.add(spec("previous_household_head", "前世帯主氏名", writing_area(r2), "text"))
    return y + h


def _row_postal_phone(s: Sheet, y: int) -> int:
    h = 90
    r = _label_and_cell(s, LEFT, MID, y, h, "郵便番号")
    text(s, (r[0] + 16, y + h // 2), "〒", 32)
    s.add(
        spec(
            "postal_code",
            "郵便番号",
            writing_area(r, left=48),
            "postal_code",
            language="eng",
            required=True,
            whitelist="0123456789-",
            address_field="address",
        )
    )
    r2 = _label_and_cell(s, MID, RIGHT, y, h, "電話番号")
    s.add(
        spec(
            "phone",
            "電話番号",
            writing_area(r2),
            "phone",
            language="eng",
            required=True,
            whitelist="0123456789-",
        )
    )
    return y + h


def _row_address(s: Sheet, y: int) -> int:
    h = 120
    r = _label_and_cell(s, LEFT, RIGHT, y, h, "新住所")
    s.add(
        spec("address", "住所", writing_area(r), "text", required=True, vocabulary="municipality")
    )
    return y + h


def _row_previous_address(s: Sheet, y: int) -> int:
    h = 120
    r = _label_and_cell(s, LEFT, RIGHT, y, h, "前住所")
    s.add(
        spec(
            "previous_address",
            "前住所",
            writing_area(r),
            "text",
            required=True,
            vocabulary="municipality",
        )
    )
    return y + h


def _row_honseki(s: Sheet, y: int) -> int:
    h = 100
    r = _label_and_cell(s, LEFT, MID + 150, y, h, "本　籍")
    s.add(spec("honseki", "本籍", writing_area(r), "text", vocabulary="municipality"))
    r2 = _label_and_cell(s, MID + 150, RIGHT, y, h, "筆頭者")
    s.add(spec("hittousha", "筆頭者", writing_area(r2), "text"))
    return y + h


def _row_email(s: Sheet, y: int) -> int:
    h = 90
    r = _label_and_cell(s, LEFT, RIGHT, y, h, "メール")
    s.add(spec("email", "メールアドレス", writing_area(r), "email", language="eng"))
    return y + h


PROCEDURES = [
    ("kokuho", "国民健康保険"),
    ("nenkin", "国民年金"),
    ("jido_teate", "児童手当"),
    ("inkan", "印鑑登録"),
    ("kaigo", "介護保険"),
]


def _row_procedures(s: Sheet, y: int) -> int:
    h = 100
    r = _label_and_cell(s, LEFT, RIGHT, y, h, "関連手続き")
    x = r[0] + 24
    for name, label in PROCEDURES:
        x = checkbox_item(s, x, y + h // 2, name, label) + 40
    return y + h


def _row_notes(s: Sheet, y: int) -> int:
    h = 170
    r = _label_and_cell(s, LEFT, RIGHT, y, h, "備　考")
    s.add(spec("notes", "備考", writing_area(r), "text", multiline=True, psm=6))
    return y + h


def _row_signature(s: Sheet, y: int) -> int:
    h = 130
    r = _label_and_cell(s, LEFT, MID + 200, y, h, "届出人署名")
    s.add(spec("applicant_signature", "届出人署名", writing_area(r), "mark", required=True))
    r2 = (MID + 200, y, RIGHT, y + h)
    cell(s, r2)
    text(s, (r2[0] + 20, y + 40), "□本人　□世帯主", 24)
    text(s, (r2[0] + 20, y + 90), "□代理人（委任状あり）", 24)
    return y + h


# ---------------------------------------------------------------- 給付金申請書


def draw_kyufukin() -> Sheet:
    s = Sheet.blank()
    y = header(
        s,
        form_no="様式第2号（第5条関係）",
        title="〇〇市臨時特別給付金 申請書（請求書）",
        subtitle="〇〇市臨時特別給付金の支給を受けたいので、関係書類を添えて次のとおり申請します。",
        lines=[
            "・太枠の中を黒のボールペンで記入してください。数字は枠内に1文字ずつ記入してください。",
            "・受取方法を〇で囲んでください。口座振込の場合は通帳の写しを添付してください。",
        ],
    )
    fx0 = RIGHT - 640
    label_cell(s, (fx0, 100, fx0 + 150, 170), "申請日")
    date_cell = (fx0 + 150, 100, RIGHT, 170)
    cell(s, date_cell)
    s.add(
        spec(
            "application_date",
            "申請日",
            writing_area(date_cell),
            "date",
            date_style="wareki",
            required=True,
        )
    )
    y = _section_title(s, y, "１　申請者（受給者）")
    top = y
    for row in (_k_furigana, _k_name, _k_birth, _k_postal_phone, _k_address):
        y = row(s, y)
    thick_frame(s, top, y)
    y = _section_title(s, y + 16, "２　受取方法・受取口座")
    top = y
    for row in (_k_method, _k_bank, _k_account_type, _k_account_number, _k_holder):
        y = row(s, y)
    thick_frame(s, top, y)
    y = _section_title(s, y + 16, "３　個人番号（マイナンバー）")
    top = y
    y = _k_mynumber(s, y)
    thick_frame(s, top, y)
    y = _k_consent(s, y + 24)
    office_use(s, max(y + 16, 1960), ["受付", "審査", "決定", "支払", "入力"])
    footer(s, office="〇〇市 臨時特別給付金担当 福祉総務課", revision="R6.4改訂")
    return s


def _section_title(s: Sheet, y: int, title: str) -> int:
    text(s, (LEFT, y + 24), title, 28, bold=True)
    return y + 48


def _k_furigana(s: Sheet, y: int) -> int:
    h = 70
    r = _label_and_cell(s, LEFT, RIGHT, y, h, "フリガナ")
    s.add(
        spec(
            "furigana",
            "フリガナ",
            writing_area(r),
            "kana",
            kana="katakana",
            required=True,
            reading_of="name",
        )
    )
    return y + h


def _k_name(s: Sheet, y: int) -> int:
    h = 120
    r = _label_and_cell(s, LEFT, RIGHT, y, h, "氏　名")
    s.add(spec("name", "氏名", writing_area(r), "text", required=True))
    return y + h


def _k_birth(s: Sheet, y: int) -> int:
    h = 130
    r = _label_and_cell(s, LEFT, RIGHT, y, h, "生年月日")
    text(s, (r[0] + 14, y + 22), "明治・大正・昭和・平成・令和　　年　　月　　日", 20)
    s.add(
        spec(
            "date_of_birth",
            "生年月日",
            writing_area(r, top=30, right=520),
            "date",
            date_style="wareki",
            required=True,
        )
    )
    text(s, (r[2] - 500, y + h // 2 + 15), "※年齢は申請日現在で判定します。", 20)
    return y + h


def _k_postal_phone(s: Sheet, y: int) -> int:
    h = 90
    r = _label_and_cell(s, LEFT, MID, y, h, "郵便番号")
    text(s, (r[0] + 16, y + h // 2), "〒", 32)
    s.add(
        spec(
            "postal_code",
            "郵便番号",
            writing_area(r, left=48),
            "postal_code",
            language="eng",
            required=True,
            whitelist="0123456789-",
            address_field="address",
        )
    )
    r2 = _label_and_cell(s, MID, RIGHT, y, h, "電話番号")
    s.add(
        spec(
            "phone",
            "電話番号",
            writing_area(r2),
            "phone",
            language="eng",
            required=True,
            whitelist="0123456789-",
        )
    )
    return y + h


def _k_address(s: Sheet, y: int) -> int:
    h = 120
    r = _label_and_cell(s, LEFT, RIGHT, y, h, "住　所")
    s.add(
        spec("address", "住所", writing_area(r), "text", required=True, vocabulary="municipality")
    )
    return y + h


def _k_method(s: Sheet, y: int) -> int:
    h = 90
    r = _label_and_cell(s, LEFT, RIGHT, y, h, "受取方法")
    zone = writing_area(r, right=620)
    options = options_row(s, zone, [("transfer", "口座振込"), ("counter", "窓口受取")], size=30)
    s.add(spec("payment_method", "受取方法", zone, "choice", required=True, options=options))
    text(s, (r[2] - 600, y + h // 2), "（窓口受取の場合は２の口座欄は記入不要）", 20)
    return y + h


def _k_bank(s: Sheet, y: int) -> int:
    h = 100
    r = _label_and_cell(s, LEFT, MID, y, h, "金融機関名")
    s.add(spec("bank_name", "金融機関名", writing_area(r), "text"))
    r2 = _label_and_cell(s, MID, RIGHT, y, h, "支店名")
    s.add(spec("branch_name", "支店名", writing_area(r2), "text"))
    return y + h


def _k_account_type(s: Sheet, y: int) -> int:
    h = 100
    r = _label_and_cell(s, LEFT, MID, y, h, "預金種目")
    zone = writing_area(r, right=200)
    options = options_row(s, zone, [("ordinary", "普通"), ("checking", "当座")], size=30)
    s.add(spec("account_type", "預金種目", zone, "choice", options=options))
    r2 = _label_and_cell(s, MID, RIGHT, y, h, "店番")
    side = 70
    bbox, boxes = box_row(s, r2[0] + 30, y + (h - side) // 2, 3, side)
    s.add(
        spec(
            "branch_code",
            "店番",
            bbox,
            "boxed",
            language="eng",
            boxes=boxes,
            whitelist="0123456789",
            max_length=3,
        )
    )
    return y + h


def _k_account_number(s: Sheet, y: int) -> int:
    h = 100
    r = _label_and_cell(s, LEFT, RIGHT, y, h, "口座番号")
    side = 70
    bbox, boxes = box_row(s, r[0] + 30, y + (h - side) // 2, 7, side)
    s.add(
        spec(
            "account_number",
            "口座番号",
            bbox,
            "boxed",
            language="eng",
            boxes=boxes,
            whitelist="0123456789",
            max_length=7,
        )
    )
    text(s, (r[0] + 30 + 7 * side + 30, y + h // 2), "（右詰めで記入してください）", 20)
    return y + h


def _k_holder(s: Sheet, y: int) -> int:
    h = 90
    r = _label_and_cell(s, LEFT, RIGHT, y, h, "口座名義（カナ）", size=22)
    s.add(
        spec(
            "account_holder_kana",
            "口座名義（カナ）",
            writing_area(r),
            "kana",
            kana="katakana",
            reading_of="name",  # the account holder is the applicant (synth/values.py)
        )
    )
    return y + h


def _k_mynumber(s: Sheet, y: int) -> int:
    h = 110
    r = _label_and_cell(s, LEFT, RIGHT, y, h, "個人番号")
    side = 78
    bbox, boxes = box_row(s, r[0] + 40, y + (h - side) // 2, 12, side)
    s.add(
        spec(
            "individual_number",
            "個人番号",
            bbox,
            "boxed",
            language="eng",
            boxes=boxes,
            whitelist="0123456789",
            max_length=12,
            check_digit="mynumber",
            required=True,
        )
    )
    return y + h


def _k_consent(s: Sheet, y: int) -> int:
    lines = [
        "上記の内容に相違ありません。また、給付金の支給要件の確認のため、",
        "〇〇市が住民基本台帳等の公簿を調査することに同意します。",
    ]
    for i, line in enumerate(lines):
        text(s, (LEFT + 70, y + 24 + i * 36), line, 24)
    zone = square(s, LEFT + 6, y + 4, 44)
    s.add(spec("consent", "同意", zone, "checkbox", required=True))
    # Seal box at the right of the consent text.
    side = 150
    x0 = RIGHT - side
    y0 = y + 100
    text(s, (x0 - 20, y0 + side // 2), "申請者 押印（署名の場合は不要）", 22, anchor="rm")
    sx0, sy0 = x0, y0
    s.draw.rectangle((sx0, sy0, sx0 + side, sy0 + side), outline=0, width=THIN)
    text(s, (sx0 + side // 2, sy0 - 16), "印", 22, anchor="mm")
    s.add(spec("seal", "印", [sx0 + GAP, sy0 + GAP, side - 2 * GAP, side - 2 * GAP], "mark"))
    return y0 + side


# ---------------------------------------------------------------- templates on disk


FORMS: dict[str, tuple[str, str, Callable[[], Sheet]]] = {
    "jp_tennyu": (
        "住民異動届（転入届）",
        "〇〇市の転入届。氏名・生年月日・住所・前住所・関連手続きのチェック欄を読む。",
        draw_tennyu,
    ),
    "jp_kyufukin": (
        "臨時特別給付金 申請書",
        "〇〇市の給付金申請書。申請者情報、受取口座（店番・口座番号の枠）、個人番号を読む。",
        draw_kyufukin,
    ),
}


def template_document(form_id: str, name: str, description: str, sheet: Sheet) -> dict[str, Any]:
    return {
        "id": form_id,
        "name": name,
        "version": 1,
        "description": description,
        "source": "Drawn by scripts/design_forms.py (fictional municipality 〇〇市).",
        "pages": [{"page": 1, "image": "page1.png", "dpi": DPI, "width": WIDTH, "height": HEIGHT}],
        "fields": sheet.fields,
    }


class _Dumper(yaml.SafeDumper):
    """Writes lists of numbers (bboxes) on one line."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(isinstance(v, int) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _represent_list)


def write_form(out: Path, form_id: str) -> Path:
    name, description, draw = FORMS[form_id]
    sheet = draw()
    folder = out / form_id
    folder.mkdir(parents=True, exist_ok=True)
    sheet.image.save(folder / "page1.png", optimize=True)
    doc = template_document(form_id, name, description, sheet)
    body = yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    header_comment = "# Generated by scripts/design_forms.py; edit the script, not this file.\n"
    (folder / "template.yaml").write_text(header_comment + body, encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_out = Path(__file__).resolve().parents[1] / "templates_forms"
    parser.add_argument("--out", type=Path, default=default_out)
    args = parser.parse_args()
    for form_id in FORMS:
        print(write_form(args.out, form_id))


if __name__ == "__main__":
    main()
