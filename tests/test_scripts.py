"""Writing systems: the direction of a paragraph and the visual order of one of its lines."""

from __future__ import annotations

import pytest

from generator.scripts import right_to_left, right_to_left_only, shaped, visual_order


@pytest.mark.parametrize(
    ("text", "rtl"),
    [
        ("ברית מול קואליציה", True),
        ("1949: NATO נוסד", False),  # the first strong letter decides, not the first character
        ("1949: נוסד NATO", True),
        ("An English line with עברית in it", False),
        ("تحالف", True),
        ("12 + 3", False),  # no strong letter at all: left to right
        ("", False),
    ],
)
def test_a_paragraph_reads_the_way_its_first_strong_letter_does(text, rtl):
    assert right_to_left(text) is rtl


def test_only_right_to_left_letters():
    assert right_to_left_only("ברית 1949, ")
    assert not right_to_left_only("ברית NATO")
    assert not right_to_left_only("1949")


def test_a_right_to_left_line_is_reversed_as_a_whole_across_its_runs():
    """Each run was reversed in place and the runs left in reading order."""
    line = [("ברית היא ", "plain"), ("רשמי", "bold"), (" מאוד", "plain")]
    assert visual_order(line, True) == [
        ("דואמ ", "plain"),
        ("ימשר", "bold"),
        (" איה תירב", "plain"),
    ]


def test_latin_words_and_numbers_keep_their_order_inside_right_to_left_text():
    line = [("כמו NATO משנת 1949 בדיוק", 0)]
    assert visual_order(line, True) == [("קוידב 1949 תנשמ NATO ומכ", 0)]


def test_a_hebrew_phrase_in_a_latin_line_is_reversed_in_place():
    line = [("say ", 0), ("שלום עולם", 1), (" twice", 0)]
    assert visual_order(line, False) == [("say ", 0), ("םלוע םולש", 1), (" twice", 0)]


def test_brackets_in_right_to_left_text_are_mirrored():
    assert visual_order([("(שנים)", 0)], True) == [("(םינש)", 0)]


def test_marks_and_emoji_move_with_what_they_belong_to():
    """Niqqud reversed apart from its letter is drawn on the wrong one; an emoji with a
    skin tone and a join falls apart."""
    assert visual_order([("בְּרִית", 0)], True) == [("תירִבְּ", 0)]
    teacher = "👩🏽\u200d🏫"
    assert visual_order([(f"שלום {teacher} עולם", 0)], True) == [(f"םלוע {teacher} םולש", 0)]


def test_arabic_is_joined_in_reading_order():
    joined = shaped("مرحبا")
    assert joined[0] == "\ufee3"  # the initial form of meem, still first
    assert shaped("Latin") == "Latin"


def test_a_zero_width_join_before_lam_alef_does_not_stop_the_build():
    """arabic_reshaper raises IndexError on it; the words around it are still joined."""
    assert shaped("x\u200dلا") == "x\u200dلا"
    assert shaped("لا 👩🏽\u200d🏫 لا") == "\ufefb 👩🏽\u200d🏫 \ufefb"  # lam-alef ligatures
