import pytest

from pledges.errors import PledgeError
from pledges.strokes import MAX_POINTS, render_svg, validate_strokes
from tests.conftest import make_strokes


def test_plausible_signature_is_accepted_unchanged():
    strokes = make_strokes()
    assert validate_strokes(strokes, 800, 320) is strokes


@pytest.mark.parametrize(
    ("strokes", "code"),
    [
        ([], "strokes_empty"),
        ([[]], "strokes_empty"),
        ("M0 0L10 10", "strokes_invalid"),
        ({"x": 1}, "strokes_invalid"),
        ([[{"x": 10, "y": 10, "t": 0}]], "strokes_invalid"),
        ([[{"x": "10", "y": 10, "t": 0, "p": 0.5}]], "strokes_invalid"),
        ([[{"x": True, "y": 10, "t": 0, "p": 0.5}]], "strokes_invalid"),
        ([[{"x": None, "y": 10, "t": 0, "p": 0.5}]], "strokes_invalid"),
        ([[{"x": 10, "y": 10, "t": 0, "p": 0.5, "svg": "<script>"}]], "strokes_invalid"),
        ([[{"x": 10, "y": 10, "t": 0, "p": 0.5}, [1, 2]]], "strokes_invalid"),
        ([[{"x": 10_000, "y": 10, "t": 0, "p": 0.5}]], "out_of_range"),
        ([[{"x": -200, "y": 10, "t": 0, "p": 0.5}]], "out_of_range"),
        ([[{"x": 10, "y": 10, "t": -5, "p": 0.5}]], "out_of_range"),
        ([[{"x": 10, "y": 10, "t": 0, "p": 3}]], "out_of_range"),
        ([[{"x": 10, "y": 10, "t": 0, "p": 0.5}]], "too_little_ink"),
        (make_strokes(width=20), "too_little_ink"),
        ([[{"x": 10, "y": 10, "t": 0, "p": 0.5}]] * 201, "too_many_strokes"),
        (make_strokes(points=MAX_POINTS + 1), "too_many_points"),
    ],
)
def test_implausible_strokes_are_refused(strokes, code):
    with pytest.raises(PledgeError) as raised:
        validate_strokes(strokes, 800, 320)
    assert raised.value.code == code


def test_non_finite_numbers_are_refused():
    strokes = make_strokes()
    strokes[0][3]["x"] = float("nan")
    with pytest.raises(PledgeError) as raised:
        validate_strokes(strokes, 800, 320)
    assert raised.value.code == "strokes_invalid"


@pytest.mark.parametrize(("width", "height"), [(0, 300), (800, "300"), (99999, 300), (None, 1)])
def test_implausible_canvas_is_refused(width, height):
    with pytest.raises(PledgeError) as raised:
        validate_strokes(make_strokes(), width, height)
    assert raised.value.code == "canvas_size"


def test_svg_is_one_compact_path_with_rounded_coordinates():
    strokes = [
        [
            {"x": 10.4, "y": 20.6, "t": 0, "p": 0.5},
            {"x": 50.2, "y": 20.6, "t": 16, "p": 0.5},
            {"x": 50.4, "y": 20.9, "t": 32, "p": 0.5},
        ],
        [{"x": 80, "y": 40, "t": 300, "p": 0.5}],
    ]
    svg = render_svg(strokes)
    assert svg.count("<path") == 1
    # Rounded, relative after the first point, the duplicate point dropped, a dot kept.
    assert 'd="M10 21l40 0M80 40h0"' in svg
    assert 'viewBox="7 18 76 25"' in svg
    assert "." not in svg.split('d="')[1].split('"')[0]
