"""A printed signature is a pen's line: wider where the pen was slow or pressed, inside its box."""

import copy
import re

from pledges.rendering.ink import PEN_MAX_MM, PEN_MIN_MM, UNIT, pdf_path


def line(duration_ms: int, pressure: float = 0.5, points: int = 40) -> list:
    """A straight stroke across the pad drawn in `duration_ms`."""
    return [
        [[20 + 600 * n / (points - 1), 150, duration_ms * n / (points - 1), pressure]] for n in [0]
    ][0] + [
        [20 + 600 * n / (points - 1), 150 + (n % 2) * 0.1, duration_ms * n / (points - 1), pressure]
        for n in range(1, points)
    ]


def thickness(path: str) -> float:
    """The outline's height in millimetres (a horizontal stroke: its pen's width)."""
    ys = [int(y) for y in re.findall(r"-?\d+ (-?\d+) [lmc]", path)]
    return (max(ys) - min(ys)) / UNIT


def test_a_slow_stroke_is_wider_than_a_fast_one_and_pressure_widens_it():
    slow = thickness(pdf_path([line(6000)], 30, 11))
    fast = thickness(pdf_path([line(150)], 30, 11))
    pressed = thickness(pdf_path([line(1500, pressure=1.0)], 30, 11))
    light = thickness(pdf_path([line(1500, pressure=0.1)], 30, 11))

    assert PEN_MIN_MM - 0.05 <= fast < slow <= PEN_MAX_MM + 0.05
    assert slow - fast > 0.15  # a pen, not a hairline of one width
    assert pressed > light


def test_ink_stays_inside_its_box_and_the_stored_strokes_are_untouched():
    strokes = [line(900), [[5, 5, 1000, 0.5]], [[700, 290, 1200, 0.5], [10, 300, 1500, 0.5]]]
    before = copy.deepcopy(strokes)

    path = pdf_path(strokes, 30, 11)

    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path)]
    xs, ys = numbers[0::2], numbers[1::2]
    assert min(xs) >= 0 and max(xs) <= 30 * UNIT
    assert min(ys) >= 0 and max(ys) <= 11 * UNIT
    assert path.endswith("f\n") and path.count(" m\n") == 3  # one outline per stroke
    assert strokes == before


def test_a_long_signature_is_drawn_with_far_fewer_points_than_recorded():
    wavy = [[[20 + n * 0.6, 150 + 40 * ((n // 25) % 2), n * 16, 0.5] for n in range(1000)]]

    path = pdf_path(wavy, 30, 11)

    corners = path.count(" l\n")
    assert corners < 2 * 1000 / 4


def test_no_ink_draws_nothing_and_old_point_objects_still_draw():
    assert pdf_path([], 30, 11) == ""
    assert pdf_path([["noise"]], 30, 11) == ""
    objects = [[{"x": 10, "y": 10, "t": 0, "p": 0.5}, {"x": 120, "y": 60, "t": 40, "p": 0.5}]]
    assert pdf_path(objects, 30, 11).endswith("f\n")
