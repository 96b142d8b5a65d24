import copy
import itertools
import math
import re
import time

import pytest

from pledges.errors import PledgeError
from pledges.rendering.strokes import MAX_POINTS, SIMPLIFY_TOLERANCE, render_svg, validate_strokes
from tests.conftest import make_strokes


def test_plausible_signature_is_accepted_unchanged():
    strokes = make_strokes()
    original = copy.deepcopy(strokes)
    assert validate_strokes(strokes, 800, 320) == original
    assert strokes == original


def test_points_sent_by_earlier_kiosks_are_kept_number_for_number():
    # A tablet may still hold signatures queued offline in the object form.
    strokes = [[{"x": x, "y": y, "t": t, "p": p} for x, y, t, p in make_strokes()[0]]]
    assert validate_strokes(strokes, 800, 320) == make_strokes()


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
        ([[[10, 10, 0]]], "strokes_invalid"),
        ([[[10, 10, 0, 0.5, 1]]], "strokes_invalid"),
        ([[["10", 10, 0, 0.5]]], "strokes_invalid"),
        ([[[10, False, 0, 0.5]]], "strokes_invalid"),
        ([[(10, 10, 0, 0.5)]], "strokes_invalid"),
        ([[[10, 10, 0, 0.5], [10, "<svg onload=alert(1)>", 16, 0.5]]], "strokes_invalid"),
        ([[[10_000, 10, 0, 0.5]]], "out_of_range"),
        ([[[10, 10, 0, 1.5]]], "out_of_range"),
        ([[[10**400, 10, 0, 0.5]]], "out_of_range"),
        ([[[10, 10, -(10**400), 0.5]]], "out_of_range"),
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
    strokes[0][3][0] = float("nan")
    with pytest.raises(PledgeError) as raised:
        validate_strokes(strokes, 800, 320)
    assert raised.value.code == "strokes_invalid"


@pytest.mark.parametrize(
    ("width", "height"), [(0, 300), (800, "300"), (99999, 300), (None, 1), (10**400, 300)]
)
def test_implausible_canvas_is_refused(width, height):
    with pytest.raises(PledgeError) as raised:
        validate_strokes(make_strokes(), width, height)
    assert raised.value.code == "canvas_size"


def test_svg_is_one_compact_path_with_rounded_coordinates():
    strokes = [
        [
            [10.4, 20.6, 0, 0.5],
            [50.2, 20.6, 16, 0.5],
            [50.4, 20.9, 32, 0.5],
        ],
        [[80, 40, 300, 0.5]],
    ]
    svg = render_svg(strokes)
    assert svg.count("<path") == 1
    # Rounded, relative after the first point, the duplicate point dropped, a dot kept.
    assert 'd="M10 21l40 0M80 40h0"' in svg
    assert 'viewBox="7 18 76 25"' in svg
    assert "." not in svg.split('d="')[1].split('"')[0]


def drawn_strokes(svg):
    """The polylines an SVG path from render_svg draws, in absolute pixels."""
    path = svg.split(' d="')[1].split('"')[0]
    strokes = []
    for command in re.findall(r"[Mlh][^Mlh]*", path):
        letter, numbers = command[0], [int(n) for n in command[1:].split()]
        if letter == "M":
            strokes.append([tuple(numbers)])
        elif letter == "l":
            x, y = strokes[-1][-1]
            strokes[-1].append((x + numbers[0], y + numbers[1]))
    return strokes


def distance_to_polyline(point, polyline):
    px, py = point
    if len(polyline) == 1:
        return math.dist(point, polyline[0])
    best = math.inf
    for (ax, ay), (bx, by) in itertools.pairwise(polyline):
        dx, dy = bx - ax, by - ay
        along = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy) if dx or dy else 0
        along = min(1, max(0, along))
        best = min(best, math.dist(point, (ax + along * dx, ay + along * dy)))
    return best


def slow_wave(points=700):
    # A slow pen: a point every pixel along a wide wave.
    return [[[20 + i, 60 + 30 * math.sin(i / 40), i * 16, 0.5] for i in range(points)]]


def test_long_stroke_is_drawn_with_far_fewer_lines_within_tolerance():
    strokes = slow_wave()
    original = copy.deepcopy(strokes)
    [drawn] = drawn_strokes(render_svg(strokes))
    assert len(drawn) < len(strokes[0]) / 8
    # Rounding to whole pixels moves a point by up to half a pixel's diagonal.
    allowed = SIMPLIFY_TOLERANCE + math.sqrt(0.5) + 1e-9
    for point in strokes[0]:
        assert distance_to_polyline((point[0], point[1]), drawn) <= allowed
    assert strokes == original, "the signer's strokes are never changed"


def test_hostile_stroke_of_many_points_is_drawn_quickly():
    jagged = [[[i % 700, (i * 37) % 300, i, 0.5] for i in range(MAX_POINTS)]]
    started = time.perf_counter()
    render_svg(jagged)
    assert time.perf_counter() - started < 1


def test_every_corner_of_a_short_signature_is_drawn():
    strokes = make_strokes()
    [drawn] = drawn_strokes(render_svg(strokes))
    assert drawn == [(round(p[0]), round(p[1])) for p in strokes[0]]


def test_stroke_that_turns_back_keeps_its_turning_point():
    there_and_back = [[[x, 50, i * 16, 0.5] for i, x in enumerate([20, 60, 100, 140, 80])]]
    [drawn] = drawn_strokes(render_svg(there_and_back))
    assert drawn == [(20, 50), (140, 50), (80, 50)]


def test_stroke_that_ends_where_it_began_keeps_its_shape():
    circle = [
        [100 + 50 * math.cos(i / 20 * math.pi), 100 + 50 * math.sin(i / 20 * math.pi), i * 16, 0.5]
        for i in range(41)
    ]
    [drawn] = drawn_strokes(render_svg([circle]))
    assert drawn[0] == drawn[-1] == (150, 100)
    allowed = SIMPLIFY_TOLERANCE + math.sqrt(0.5) + 1e-9
    for point in circle:
        assert distance_to_polyline((point[0], point[1]), drawn) <= allowed


def test_signature_pad_sampling_still_renders_each_stroke():
    strokes = [
        [[30 + 6 * i, 80 + (i % 3), 16 * i, 0.5] for i in range(12)],
        [[120, 40, 400, 0.5]],
        [[150 + 5 * i, 60 - 5 * i, 600 + 16 * i, 0.5] for i in range(8)],
    ]
    svg = render_svg(strokes)
    drawn = drawn_strokes(svg)
    assert len(drawn) == 3
    assert drawn[1] == [(120, 40)] and "M120 40h0" in svg
    assert drawn[2] == [(150, 60), (185, 25)]
    for stroke, polyline in zip(strokes, drawn, strict=True):
        for point in stroke:
            assert distance_to_polyline((point[0], point[1]), polyline) <= 1.5


def _outcome(strokes):
    try:
        return ("ok", validate_strokes(strokes, 800, 320))
    except PledgeError as error:
        return (error.code, error.message)


def _point_by_point(strokes):
    """What validate_strokes answered before it checked whole strokes at once."""
    import pledges.rendering.strokes as module

    fast = module._checked_stroke
    module._checked_stroke = lambda stroke, bounds: [
        module._checked_point(point, bounds) for point in stroke
    ]
    try:
        return _outcome(strokes)
    finally:
        module._checked_stroke = fast


def test_checking_whole_strokes_answers_exactly_as_checking_each_point():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    value = st.one_of(
        st.floats(-200, 1200),
        st.integers(-200, 1200),
        st.just(math.nan),
        st.just(math.inf),
        st.just(10**400),
        st.booleans(),
        st.none(),
        st.text(max_size=2),
    )
    point = st.one_of(
        st.lists(value, min_size=4, max_size=4),
        st.lists(value, min_size=0, max_size=5),
        st.fixed_dictionaries({"x": value, "y": value, "t": value, "p": value}),
    )
    stroke = st.lists(point, min_size=1, max_size=30)

    @settings(max_examples=400, deadline=None)
    @given(st.lists(stroke, min_size=1, max_size=3))
    def same(strokes):
        assert _outcome(strokes) == _point_by_point(strokes)

    same()
    # A realistic signature goes through the fast path and comes back number for number.
    signature = make_strokes(points=300) + make_strokes(y=120, points=300)
    assert _outcome(copy.deepcopy(signature)) == ("ok", signature)
