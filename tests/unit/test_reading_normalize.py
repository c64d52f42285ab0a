from ocr_service.reading.normalize import (
    normalize_compact,
    normalize_for,
    normalize_kana,
    normalize_text,
    to_hiragana,
    to_katakana,
)
from ocr_service.templates.model import FieldType


def test_text_removes_spaces_between_japanese_and_unifies_width() -> None:
    assert normalize_text("東京都 千代田区　千代田 １ー１") == "東京都千代田区千代田1-1"
    assert normalize_text("  Taro   Yamada ") == "Taro Yamada"
    assert normalize_text("ｺｰﾎﾟ 101") == "コーポ101"
    assert normalize_text("1-1 ｺｰﾎﾟ") == "1-1コーポ"
    assert normalize_text("月崎4 丁目21番") == "月崎4丁目21番"


def test_text_dashes_between_digits_and_long_vowels_after_kana() -> None:
    assert normalize_text("1一2−3") == "1-2-3"
    assert normalize_text("コ-ヒ‐") == "コーヒー"
    assert normalize_text("一丁目") == "一丁目"


def test_kana_scripts_and_half_width() -> None:
    assert normalize_kana("やまだ　たろう") == "ヤマダ タロウ"
    assert normalize_kana("ﾔﾏﾀﾞ ﾀﾛｳ") == "ヤマダ タロウ"
    assert normalize_kana("ヤマダ", "hiragana") == "やまだ"
    assert normalize_kana("コ-ヒ一") == "コーヒー"
    assert to_katakana("ぁゖ") == "ァヶ"
    assert to_hiragana("ァヶ") == "ぁゖ"


def test_compact_for_numeric_types() -> None:
    assert normalize_compact("〒１００ー０００１") == "〒100-0001"
    assert normalize_for(FieldType.PHONE, "090 1234 5678") == "09012345678"
    assert normalize_for(FieldType.EMAIL, "ａ ＠ｂ．ｊｐ") == "a@b.jp"
    assert normalize_for(FieldType.KANA, "やまだ", kana="katakana") == "ヤマダ"


def test_impossible_small_kana_become_full_size() -> None:
    assert normalize_kana("タカハシ ョウコ") == "タカハシ ヨウコ"
    assert normalize_kana("ヤマダ ショウタ") == "ヤマダ ショウタ"  # ショ is a spelling
    assert normalize_kana("フィリップ") == "フィリップ"
    assert normalize_text("田中さゅり") == "田中さゆり"
    assert normalize_text("タカハシ ョウコ") == "タカハシヨウコ"
    assert normalize_kana("ハヤシ ッバサ") == "ハヤシ ツバサ"
    assert normalize_text("グリーンハイッ201") == "グリーンハイツ201"
    assert normalize_kana("ハットリ イッセイ") == "ハットリ イッセイ"  # ッ before a consonant
    assert normalize_kana("マツオ ミッ") == "マツオ ミツ"


def test_kana_specks_beside_spaces_and_at_the_ends_are_dropped() -> None:
    assert normalize_kana("サトウ ・ソウタロウ") == "サトウ ソウタロウ"
    assert normalize_kana("ヤマモト ミキ 。") == "ヤマモト ミキ"
    assert normalize_kana("ジョン・スミス") == "ジョン・スミス"  # a real middle dot stays


def test_ascii_specks_in_japanese_text_are_dropped() -> None:
    assert normalize_text("福田.結衣") == "福田結衣"
    assert normalize_text("小林涼平 .") == "小林涼平"
    assert normalize_text("広島県尾道市久保6-10-36.") == "広島県尾道市久保6-10-36"
    assert normalize_text("Apt. 32.") == "Apt. 32."  # not Japanese
    assert normalize_text("北海道帯広市基松町3 5 9番地") == "北海道帯広市基松町359番地"
    assert normalize_text("枕崎市火之神町1丁目1.1番31号") == "枕崎市火之神町1丁目11番31号"
    assert normalize_text("面積1.5倍") == "面積1.5倍"  # a decimal number stays
    assert normalize_text("Suite 3 5") == "Suite 3 5"  # not Japanese
    assert normalize_text("Lambert . Ltd") == "Lambert Ltd"
    assert normalize_text("Paul Stevens .") == "Paul Stevens"
    assert normalize_text("Harris, Baker and King") == "Harris, Baker and King"
    assert normalize_text("岡田. 直子") == "岡田直子"
    assert normalize_text("転勤のため、新住所へ") == "転勤のため、新住所へ"  # 、 is Japanese
    assert normalize_text("Walker Jr.") == "Walker Jr."
    assert normalize_text("Benjamın Clark") == "Benjamin Clark"


def test_a_middle_dot_beside_a_kanji_or_a_digit_is_a_speck() -> None:
    assert normalize_text("伊藤・和也") == "伊藤和也"
    assert normalize_text("伊藤 ・ 和也") == "伊藤和也"
    assert normalize_text("碑文谷6-6-37・コーポ桜202") == "碑文谷6-6-37コーポ桜202"
    assert normalize_text("ジョン・スミス") == "ジョン・スミス"  # joins katakana words
    assert normalize_text("グランド・パレス101") == "グランド・パレス101"
