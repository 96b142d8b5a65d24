"""Signatures drawn for print: stored pen strokes in, one filled pen outline out.

The stored strokes (``[x, y, t, p]`` points in the pad's CSS pixels, see
``pledges.rendering.strokes``) are the evidence and are only read here. A
document draws each signature for the box it prints it in, a few
centimetres wide, so it needs far fewer points than the screen recorded:

1. the ink is fitted into the box (aspect kept, centred);
2. each stroke is simplified to the print resolution (``TOLERANCE_MM``,
   below one dot of a 300 dpi printer) in one pass;
3. each kept point gets a pen width that follows the pen's speed as
   signature_pad draws it on the tablet (faster is thinner), and its
   pressure where the tablet reported one;
4. both edges of the pen are traced and joined with round caps: one closed
   outline per stroke, all of a signature's outlines one PDF path filled
   with the nonzero rule (a loop crossing itself stays ink), in whole
   twentieths of a millimetre.

The result is PDF path operators (``pdf_path``), which
``pledges.rendering.pdfink`` adds to the pages WeasyPrint made: WeasyPrint's
own SVG reader spends ~10 µs on every number of a path, which for hundreds
of signatures would cost more than the rest of the document.
"""

import math

# Pen width on paper, millimetres: a ballpoint's line, not a hairline.
PEN_MIN_MM, PEN_MAX_MM = 0.2, 0.55
# Under one dot of a 300 dpi printer (0.085 mm).
TOLERANCE_MM = 0.08
# signature_pad's width model as the kiosk configures it (minWidth 1,
# maxWidth 3, velocityFilterWeight 0.7): width = max(max / (v + 1), min),
# v the filtered speed in pad pixels per millisecond.
PAD_MIN_WIDTH, PAD_MAX_WIDTH, VELOCITY_WEIGHT = 1.0, 3.0, 0.7
UNIT = 20  # path units per millimetre: 0.05 mm, under the tolerance
# Bézier handle length of a quarter circle.
KAPPA = 0.5523


def pdf_path(strokes, width_mm: float, height_mm: float) -> str:
    """PDF operators filling the signature inside a `width_mm` × `height_mm` box.

    Coordinates are in UNITs (1/20 mm) from the box's top-left
    corner, y downwards: the caller sets the matrix. Empty if no ink.
    """
    box_width, box_height = width_mm * UNIT, height_mm * UNIT
    points = [_plain(stroke) for stroke in strokes or [] if isinstance(stroke, list)]
    points = [stroke for stroke in points if stroke]
    if not points:
        return ""
    scale, offset_x, offset_y = _fit(points, box_width, box_height)
    tolerance = TOLERANCE_MM * UNIT
    parts = []
    for stroke in points:
        placed = [(offset_x + x * scale, offset_y + y * scale, t, p) for x, y, t, p in stroke]
        kept = _simplify(placed, tolerance)
        parts.append(_outline(kept, _widths(kept, scale)))
    return "".join(parts) + "f\n"


def _plain(stroke) -> list[tuple]:
    """(x, y, t, p) of a stored stroke's points, in either stored form; others skipped."""
    plain = []
    for point in stroke:
        if type(point) is list and len(point) == 4:
            plain.append(tuple(point))
        elif isinstance(point, list) and len(point) >= 2:
            plain.append((point[0], point[1], 0, 0))
        elif isinstance(point, dict) and "x" in point and "y" in point:
            plain.append((point["x"], point["y"], point.get("t", 0), point.get("p", 0)))
    return plain


def _fit(strokes, box_width: float, box_height: float) -> tuple[float, float, float]:
    """Scale (path units per pad pixel) and offsets that centre the ink inside the box."""
    xs = [point[0] for stroke in strokes for point in stroke]
    ys = [point[1] for stroke in strokes for point in stroke]
    left, right, top, bottom = min(xs), max(xs), min(ys), max(ys)
    # The pen's half width, and a little air, stay inside the box.
    margin = PEN_MAX_MM * UNIT
    room_x, room_y = box_width - 2 * margin, box_height - 2 * margin
    scale = min(room_x / max(right - left, 1), room_y / max(bottom - top, 1))
    offset_x = (box_width - (right - left) * scale) / 2 - left * scale
    offset_y = (box_height - (bottom - top) * scale) / 2 - top * scale
    return scale, offset_x, offset_y


def _simplify(points, tolerance: float) -> list[tuple]:
    """The points the drawn line turns at, each run skipped within `tolerance` of its chord.

    One pass: a run from the last kept point grows while the point in its
    middle (where a smooth curve strays farthest) and the one before the
    end stay within `tolerance` of the chord; then the run's last point is kept.
    """
    count = len(points)
    if count < 3:
        return points
    limit = tolerance * tolerance
    kept = [points[0]]
    anchor = 0
    ax, ay = points[0][0], points[0][1]
    for end in range(2, count):
        ex, ey = points[end][0], points[end][1]
        dx, dy = ex - ax, ey - ay
        length = dx * dx + dy * dy
        for probe in ((anchor + end) // 2, end - 1):
            qx, qy = points[probe][0] - ax, points[probe][1] - ay
            along = qx * dx + qy * dy
            if along <= 0 or length == 0:
                distance = qx * qx + qy * qy
            elif along >= length:
                distance = (qx - dx) ** 2 + (qy - dy) ** 2
            else:
                cross = qx * dy - qy * dx
                distance = cross * cross / length
            if distance > limit:
                anchor = end - 1
                kept.append(points[anchor])
                ax, ay = points[anchor][0], points[anchor][1]
                break
    kept.append(points[-1])
    return kept


def _widths(points, scale: float) -> list[float]:
    """The pen's width at each point, in path units, from its speed and pressure."""
    widths = []
    span = PAD_MAX_WIDTH - PAD_MIN_WIDTH
    previous = None
    # The pen starts at the speed of its first segment, not at rest (which
    # would blot every stroke's start).
    velocity = _speed(points[0], points[1], scale) if len(points) > 1 else 0.0
    for x, y, t, p in points:
        if previous is not None and t > previous[2]:
            measured = _speed(previous, (x, y, t), scale)
            velocity = VELOCITY_WEIGHT * measured + (1 - VELOCITY_WEIGHT) * velocity
        share = (max(PAD_MAX_WIDTH / (velocity + 1), PAD_MIN_WIDTH) - PAD_MIN_WIDTH) / span
        # A finger or a mouse reports 0 or 0.5; a stylus its real pressure.
        pressure = p if 0 < p <= 1 else 0.5
        share = min(1.0, share * (0.5 + pressure))
        widths.append((PEN_MIN_MM + (PEN_MAX_MM - PEN_MIN_MM) * share) * UNIT)
        previous = (x, y, t)
    return widths


def _speed(start, end, scale: float) -> float:
    """Pad pixels per millisecond from `start` to `end` (0 if no time passed)."""
    elapsed = end[2] - start[2]
    if elapsed <= 0:
        return 0.0
    return math.hypot(end[0] - start[0], end[1] - start[1]) / scale / elapsed


def _outline(points, widths) -> str:
    """One closed outline around the pen's path: left edge, round cap, right edge back, cap."""
    count = len(points)
    x0, y0 = points[0][0], points[0][1]
    if count == 1 or all(abs(x - x0) < 1 and abs(y - y0) < 1 for x, y, _t, _p in points):
        return _dot(x0, y0, max(widths) / 2)
    left, right, normals = [], [], []
    for index in range(count):
        before = points[index - 1] if index else points[0]
        after = points[index + 1] if index + 1 < count else points[-1]
        tx, ty = after[0] - before[0], after[1] - before[1]
        norm = math.hypot(tx, ty) or 1.0
        nx, ny = -ty / norm, tx / norm
        half = widths[index] / 2
        x, y = points[index][0], points[index][1]
        left.append(f"{x + nx * half:.0f} {y + ny * half:.0f} l\n")
        right.append(f"{x - nx * half:.0f} {y - ny * half:.0f} l\n")
        normals.append((nx, ny))
    right.reverse()
    start = left[0][:-2] + "m\n"
    end_cap = _cap(points[-1], normals[-1], widths[-1] / 2)
    start_cap = _cap(points[0], (-normals[0][0], -normals[0][1]), widths[0] / 2)
    return start + "".join(left[1:]) + end_cap + "".join(right[1:]) + start_cap + "h\n"


def _cap(point, normal, radius: float) -> str:
    """Half a circle from point + normal·r round the front to point − normal·r."""
    x, y = point[0], point[1]
    nx, ny = normal
    # The front is the normal turned back a quarter: (ny, -nx).
    fx, fy = ny, -nx
    k = KAPPA * radius
    first = (
        x + nx * radius + fx * k,
        y + ny * radius + fy * k,
        x + fx * radius + nx * k,
        y + fy * radius + ny * k,
        x + fx * radius,
        y + fy * radius,
    )
    second = (
        x + fx * radius - nx * k,
        y + fy * radius - ny * k,
        x - nx * radius + fx * k,
        y - ny * radius + fy * k,
        x - nx * radius,
        y - ny * radius,
    )
    return _curve(first) + _curve(second)


def _curve(numbers) -> str:
    return " ".join(f"{number:.0f}" for number in numbers) + " c\n"


def _dot(x: float, y: float, radius: float) -> str:
    return (
        f"{x + radius:.0f} {y:.0f} m\n"
        + _cap((x, y), (1.0, 0.0), radius)
        + _cap((x, y), (-1.0, 0.0), radius)
        + "h\n"
    )
