"""Pen strokes from the signature pad: validated numbers in, one compact SVG path out.

A signature arrives as a list of strokes, each a list of points
``[x, y, t, p]`` in CSS pixels of the pad's canvas (``t`` in milliseconds
since the first point, ``p`` the pen pressure 0..1). Kiosks before this
form sent each point as ``{"x": .., "y": .., "t": .., "p": ..}``; a tablet may
still hold such signatures offline, so they are accepted too and kept in the
array form, number for number. Arrays halve what a tablet sends, queues
offline and the server stores. The numbers are the evidence and are never
changed; the SVG is drawn here from them and never taken from the client.
One path per signature with rounded coordinates keeps PDFs of hundreds of
signatures fast (DESIGN.md).
"""

import math
from operator import sub

from django.utils.translation import gettext as _

from pledges.errors import Code, PledgeError

MAX_STROKES = 200
MAX_POINTS = 5000
MIN_CANVAS, MAX_CANVAS = 100, 4000
# signature_pad keeps tracking a pen that slides past the canvas edge.
EDGE_TOLERANCE = 0.1
MAX_DURATION_MS = 15 * 60 * 1000
# Less ink than this is a tap or a dot, not a signature.
MIN_INK_LENGTH = 60
MIN_INK_EXTENT = 30
POINT_KEYS = frozenset({"x", "y", "t", "p"})
STROKE_WIDTH = 2.5
# How far, in canvas pixels, the drawn line may pass from a (rounded) point the
# signer gave. A third of the pen's width is invisible at any size a PDF prints
# a signature, yet it drops most points of a curve sampled every 16 ms, and
# WeasyPrint's time for a deklarasi of hundreds grows with the path's commands.
SIMPLIFY_TOLERANCE = 0.75
# A drawn line is extended point by point while it stays near every point it
# skips, which costs up to the square of its length: no line skips more than
# this many points, so a hostile 5000-point straight stroke stays cheap.
SIMPLIFY_RUN = 128


def _is_number(value) -> bool:
    # Exact types: bool is an int in Python, and a JSON true is not a coordinate.
    # An integer too large for a float is a number all the same (not isfinite's).
    kind = type(value)
    return kind is int or (kind is float and math.isfinite(value))


def _invalid(message, code=Code.STROKES_INVALID):
    return PledgeError(message, code=code)


def validate_canvas_size(width, height) -> tuple[int | float, int | float]:
    """Check the pad's canvas size (CSS pixels); raise PledgeError(code=Code.CANVAS_SIZE)."""
    if not (_is_number(width) and _is_number(height)) or not (
        MIN_CANVAS <= width <= MAX_CANVAS and MIN_CANVAS <= height <= MAX_CANVAS
    ):
        raise _invalid(_("Ukuran bidang tanda tangan tidak sah."), code=Code.CANVAS_SIZE)
    return width, height


def validate_strokes(strokes, width, height) -> list[list[list]]:
    """Return `strokes` as [x, y, t, p] points if they are a plausible signature on the pad.

    Raises PledgeError with code "canvas_size", "strokes_invalid" (shape or
    types), "strokes_empty", "too_many_strokes", "too_many_points",
    "out_of_range" or "too_little_ink".
    """
    width, height = validate_canvas_size(width, height)
    if not isinstance(strokes, list):
        raise _invalid(_("Data tanda tangan tidak dikenali."))
    if not strokes or not any(isinstance(stroke, list) and stroke for stroke in strokes):
        raise _invalid(_("Tanda tangan masih kosong."), code=Code.STROKES_EMPTY)
    if len(strokes) > MAX_STROKES:
        raise _invalid(
            _("Tanda tangan terdiri dari terlalu banyak goresan (paling banyak %(max)d).")
            % {"max": MAX_STROKES},
            code=Code.TOO_MANY_STROKES,
        )
    bounds = (
        -width * EDGE_TOLERANCE,
        width * (1 + EDGE_TOLERANCE),
        -height * EDGE_TOLERANCE,
        height * (1 + EDGE_TOLERANCE),
    )
    checked, total_points = [], 0
    for stroke in strokes:
        if not isinstance(stroke, list) or not stroke:
            raise _invalid(_("Data tanda tangan tidak dikenali."))
        total_points += len(stroke)
        if total_points > MAX_POINTS:
            raise _invalid(
                _("Tanda tangan terdiri dari terlalu banyak titik (paling banyak %(max)d).")
                % {"max": MAX_POINTS},
                code=Code.TOO_MANY_POINTS,
            )
        checked.append(_checked_stroke(stroke, bounds))
    if not has_enough_ink(checked):
        raise _invalid(
            _("Tanda tangan terlalu kecil atau hanya titik. Silakan tanda tangan sekali lagi."),
            code=Code.TOO_LITTLE_INK,
        )
    return checked


NUMBER_TYPES = (int, float)  # exactly: a JSON true is a bool, which Python counts as an int
_NUMBER_TYPES = frozenset(NUMBER_TYPES)
_LIST_ONLY = {list}
_FOUR = {4}


def _checked_stroke(stroke: list, bounds) -> list:
    """The stroke's points, checked as `_checked_point` checks each.

    A signature has about a thousand points and every kiosk signature is
    checked: a stroke of [x, y, t, p] lists of numbers in range is accepted
    by a few passes over its columns (built-in functions, no Python loop per
    point). Any other stroke, or one that fails there, is checked point by
    point, which names what is wrong.
    """
    if set(map(type, stroke)) == _LIST_ONLY and set(map(len, stroke)) == _FOUR:
        columns = tuple(zip(*stroke, strict=True))
        left, right, top, bottom = bounds
        limits = ((left, right), (top, bottom), (0, MAX_DURATION_MS), (0, 1))
        try:
            fits = all(
                set(map(type, column)) <= _NUMBER_TYPES
                and math.isfinite(math.fsum(column))
                and low <= min(column)
                and max(column) <= high
                for column, (low, high) in zip(columns, limits, strict=True)
            )
        except OverflowError:  # an integer too large for a float
            fits = False
        if fits:
            return list(stroke)
    return [_checked_point(point, bounds) for point in stroke]


def _checked_point(point, bounds) -> list:
    # Runs for every point of every signature: plain comparisons, no generators.
    kind = type(point)
    if kind is list and len(point) == 4:
        x, y, t, p = point
    elif kind is dict and point.keys() == POINT_KEYS:
        x, y, t, p = point["x"], point["y"], point["t"], point["p"]
        point = [x, y, t, p]
    else:
        raise _invalid(_("Data tanda tangan tidak dikenali."))
    if not (
        type(x) in NUMBER_TYPES
        and type(y) in NUMBER_TYPES
        and type(t) in NUMBER_TYPES
        and type(p) in NUMBER_TYPES
    ):
        raise _invalid(_("Data tanda tangan harus berupa angka."))
    left, right, top, bottom = bounds
    # Every comparison with NaN is false and infinities are out of any range,
    # so only finite numbers pass; which it was matters only for the message.
    if not (
        left <= x <= right and top <= y <= bottom and 0 <= t <= MAX_DURATION_MS and 0 <= p <= 1
    ):
        if not all(map(_is_number, point)):
            raise _invalid(_("Data tanda tangan harus berupa angka."))
        raise _invalid(
            _("Titik tanda tangan berada di luar bidang tanda tangan."), code=Code.OUT_OF_RANGE
        )
    return point


def stored_points(strokes):
    """(x, y) of each point of stored strokes, in either form: [x, y, t, p] or {"x", "y", …}.

    For reading what is already stored (validated when it came); anything
    else in it is skipped, never raised on.
    """
    for stroke in strokes or []:
        if not isinstance(stroke, list):
            continue
        for point in stroke:
            if isinstance(point, list) and len(point) >= 2:
                yield point[0], point[1]
            elif isinstance(point, dict) and "x" in point and "y" in point:
                yield point["x"], point["y"]


def ink_box(strokes, pad) -> tuple | None:
    """(left, top, width, height) around stored strokes' points, `pad` wider on each side.

    None if they hold no point.
    """
    points = list(stored_points(strokes))
    if not points:
        return None
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return min(xs) - pad, min(ys) - pad, max(xs) - min(xs) + 2 * pad, max(ys) - min(ys) + 2 * pad


def has_enough_ink(strokes) -> bool:
    """Whether [x, y, t, p] strokes draw enough line, spread wide or tall enough, to sign."""
    length = 0.0
    xs, ys = [], []
    for stroke in strokes:
        stroke_xs = [point[0] for point in stroke]
        stroke_ys = [point[1] for point in stroke]
        # From each point to the next, in C: map() stops at the shorter list.
        steps_x, steps_y = map(sub, stroke_xs[1:], stroke_xs), map(sub, stroke_ys[1:], stroke_ys)
        length += sum(map(math.hypot, steps_x, steps_y))
        xs += stroke_xs
        ys += stroke_ys
    extent = max(max(xs) - min(xs), max(ys) - min(ys))
    return length >= MIN_INK_LENGTH and extent >= MIN_INK_EXTENT


def render_svg(strokes) -> str:
    """One SVG with one path drawing every stroke, coordinates rounded to whole pixels.

    Each stroke is simplified: points the line would pass within
    SIMPLIFY_TOLERANCE of anyway are left out of the drawing (never out of
    the stored strokes). The view box is the ink's bounding box plus the
    pen's width, so the signature fills whatever box a PDF gives it.
    """
    commands = []
    lefts, tops, rights, bottoms = [], [], [], []
    for stroke in strokes:
        xs, ys = _distinct_rounded(stroke)
        lefts.append(min(xs))
        rights.append(max(xs))
        tops.append(min(ys))
        bottoms.append(max(ys))
        commands.append(_stroke_path(xs, ys))
    pad = math.ceil(STROKE_WIDTH)
    left, top = min(lefts) - pad, min(tops) - pad
    box_width, box_height = max(rights) - left + pad, max(bottoms) - top + pad
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{left} {top} {box_width} '
        f'{box_height}"><path fill="none" stroke="#000" stroke-width="{STROKE_WIDTH}" '
        f'stroke-linecap="round" stroke-linejoin="round" d="{"".join(commands)}"/></svg>'
    )


def _distinct_rounded(stroke) -> tuple[list[int], list[int]]:
    """The stroke's points rounded to whole pixels, without repeats in a row."""
    xs, ys = [], []
    last_x = last_y = None
    for point in stroke:
        x, y = round(point[0]), round(point[1])
        if x != last_x or y != last_y:
            xs.append(x)
            ys.append(y)
            last_x, last_y = x, y
    return xs, ys


def _stroke_path(xs, ys) -> str:
    # Relative moves after the first point: short numbers, short path.
    x, y = xs[0], ys[0]
    parts = [f"M{x} {y}"]
    for index in _simplify(xs, ys):
        next_x, next_y = xs[index], ys[index]
        parts.append(f"l{next_x - x} {next_y - y}")
        x, y = next_x, next_y
    if len(parts) == 1:
        # A dot: a zero-length line shows as a round dot with round caps.
        parts.append("h0")
    return "".join(parts)


def _simplify(xs, ys) -> list[int]:
    """The indexes of the points after the first where the drawn line turns.

    Greedy: from each kept point the line reaches as far along the stroke as
    it can while passing within SIMPLIFY_TOLERANCE of every point it skips.
    Signatures turn every few points, so this looks at each point a few times.
    """
    limit = SIMPLIFY_TOLERANCE**2
    last = len(xs) - 1
    kept, anchor = [], 0
    while anchor < last:
        end = anchor + 1
        while (
            end < last
            and end - anchor < SIMPLIFY_RUN
            and _skips_only_near_points(xs, ys, anchor, end + 1, limit)
        ):
            end += 1
        kept.append(end)
        anchor = end
    return kept


def _skips_only_near_points(xs, ys, first, last, limit) -> bool:
    """Whether each point between `first` and `last` is within √limit of the segment between."""
    ax, ay = xs[first], ys[first]
    dx, dy = xs[last] - ax, ys[last] - ay
    length = dx * dx + dy * dy
    # The hottest loop of a signature: plain arithmetic, no calls. Distance to
    # the segment, not to its line: a stroke that doubles back on itself, or
    # ends where it began, must keep its turning points.
    for index in range(first + 1, last):
        qx, qy = xs[index] - ax, ys[index] - ay
        along = qx * dx + qy * dy
        if along <= 0:
            distance = qx * qx + qy * qy
        elif along >= length:
            qx, qy = qx - dx, qy - dy
            distance = qx * qx + qy * qy
        else:
            cross = qx * dy - qy * dx
            distance = cross * cross / length
        if distance > limit:
            return False
    return True
