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

The lists of many signers (deklarasi, daftar hadir) print every signature
in one box, ``LIST_BOX_MM``: a signature's drawing for it is made once, when
the signature is recorded (``stored_ink``), and stored beside its strokes
(``Signature.ink``), so a list of 2,000 is not drawn again for every
document. A stored drawing names the drawing and the box it was made for;
one made by another drawing or for another box is not used
(``stored_path``), and the signature is drawn from its strokes again.
"""

import hashlib
import json
import math
from operator import add, mul, neg, sub

import orjson

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
# The box the lists print a signature in, millimetres: its drawing is stored.
LIST_BOX_MM = (30, 11)
# Names this module's drawing in what is stored. Change it whenever pdf_path
# draws differently, so drawings stored before are drawn again, not printed
# (tests/test_ink.py holds the digest of a known signature's drawing).
DRAWING = "pena-1"


def stored_ink(strokes) -> str:
    """What `Signature.ink` holds for `strokes`: which drawing, for which box, and its path."""
    return f"{_drawing_key(LIST_BOX_MM)}\n{pdf_path(strokes, *LIST_BOX_MM)}"


def ink_sha256(ink: str) -> str:
    """The SHA-256 of a stored ink, as the signature's audit entry records it."""
    return hashlib.sha256(ink.encode("ascii")).hexdigest()


def stored_path(ink: str | None, width_mm: float, height_mm: float) -> str | None:
    """The path in a stored `ink` if it was drawn by this drawing for this box, else None."""
    head = _drawing_key((width_mm, height_mm)) + "\n"
    if ink and ink.startswith(head):
        return ink[len(head) :]
    return None


def _drawing_key(box_mm) -> str:
    width, height = box_mm
    return f"{DRAWING} {float(width):g}x{float(height):g}mm"


def draw_texts(texts: dict, width_mm: float, height_mm: float) -> dict:
    """{key: pdf_path} of stored strokes given as their JSON text, {key: text}."""
    return {key: pdf_path(_loads(text), width_mm, height_mm) for key, text in texts.items()}


def _loads(text: str):
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        # Numbers orjson refuses (integers beyond 64 bits) are still JSON.
        return json.loads(text)


def pdf_path(strokes, width_mm: float, height_mm: float) -> str:
    """PDF operators filling the signature inside a `width_mm` × `height_mm` box.

    Coordinates are in UNITs (1/20 mm) from the box's top-left
    corner, y downwards: the caller sets the matrix. Empty if no ink.
    """
    box_width, box_height = width_mm * UNIT, height_mm * UNIT
    columns = [_columns(stroke) for stroke in strokes or [] if isinstance(stroke, list)]
    columns = [stroke for stroke in columns if stroke]
    if not columns:
        return ""
    scale, offset_x, offset_y = _fit(columns, box_width, box_height)
    # The tolerance in the pad's pixels: each stroke is simplified where it
    # was recorded, and only the points kept are moved into the box.
    limit = (TOLERANCE_MM * UNIT / scale) ** 2
    parts = []
    for xs, ys, ts, ps in columns:
        kept = _simplify(xs, ys, limit)
        xs, ys = [xs[i] for i in kept], [ys[i] for i in kept]
        widths = _widths(xs, ys, [ts[i] for i in kept], [ps[i] for i in kept])
        placed_xs = [offset_x + x * scale for x in xs]
        placed_ys = [offset_y + y * scale for y in ys]
        parts.append(_outline(placed_xs, placed_ys, widths))
    return "".join(parts) + "f\n"


def _columns(stroke) -> tuple | None:
    """A stored stroke as four columns (xs, ys, ts, ps), in either stored form; None if empty."""
    if stroke and set(map(type, stroke)) == {list} and set(map(len, stroke)) == {4}:
        # Every stroke stored since validation came in: [x, y, t, p] lists.
        return tuple(zip(*stroke, strict=True))
    plain = _plain(stroke)
    return tuple(zip(*plain, strict=True)) if plain else None


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


def _fit(columns, box_width: float, box_height: float) -> tuple[float, float, float]:
    """Scale (path units per pad pixel) and offsets that centre the ink inside the box."""
    left = min(min(stroke[0]) for stroke in columns)
    right = max(max(stroke[0]) for stroke in columns)
    top = min(min(stroke[1]) for stroke in columns)
    bottom = max(max(stroke[1]) for stroke in columns)
    # The pen's half width, and a little air, stay inside the box.
    margin = PEN_MAX_MM * UNIT
    room_x, room_y = box_width - 2 * margin, box_height - 2 * margin
    scale = min(room_x / max(right - left, 1), room_y / max(bottom - top, 1))
    offset_x = (box_width - (right - left) * scale) / 2 - left * scale
    offset_y = (box_height - (bottom - top) * scale) / 2 - top * scale
    return scale, offset_x, offset_y


def _simplify(xs, ys, limit: float) -> list[int]:
    """Indexes of the points the drawn line turns at: runs within √`limit` of their chord skipped.

    One pass: a run from the last kept point grows while the point in its
    middle (where a smooth curve strays farthest) and the one before the
    end stay within the tolerance of the chord; then the run's last point is kept.
    """
    count = len(xs)
    if count < 3:
        return list(range(count))
    kept = [0]
    anchor = 0
    ax, ay = xs[0], ys[0]
    for end in range(2, count):
        dx, dy = xs[end] - ax, ys[end] - ay
        length = dx * dx + dy * dy
        # The point before the end first: where a run most often breaks.
        probe = end - 1
        while True:
            qx, qy = xs[probe] - ax, ys[probe] - ay
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
                kept.append(anchor)
                ax, ay = xs[anchor], ys[anchor]
                break
            middle = (anchor + end) // 2
            if probe == middle:
                break
            probe = middle
    kept.append(count - 1)
    return kept


def _widths(xs, ys, ts, ps) -> list[float]:
    """The pen's width at each point, in path units, from its speed and pressure."""
    # Each step's length in pad pixels and its duration in milliseconds.
    steps = map(math.hypot, map(sub, xs[1:], xs), map(sub, ys[1:], ys))
    durations = list(map(sub, ts[1:], ts))
    # Speeds in pad pixels per millisecond, filtered as signature_pad does. The
    # pen starts at the speed of its first segment, not at rest (which would
    # blot every stroke's start).
    velocity = 0.0
    if durations and durations[0] > 0:
        velocity = math.hypot(xs[1] - xs[0], ys[1] - ys[0]) / durations[0]
    velocities = [velocity]
    weight, memory = VELOCITY_WEIGHT, 1 - VELOCITY_WEIGHT
    for step, duration in zip(steps, durations, strict=True):
        if duration > 0:
            velocity = weight * step / duration + memory * velocity
        velocities.append(velocity)
    top, bottom, span = PAD_MAX_WIDTH, PAD_MIN_WIDTH, PAD_MAX_WIDTH - PAD_MIN_WIDTH
    # The share of the pen's range signature_pad's width takes at that speed…
    shares = [max(top / (velocity + 1) - bottom, 0.0) / span for velocity in velocities]
    # … widened or narrowed by the pressure (a finger or a mouse reports 0 or
    # 0.5; a stylus its real pressure), as a width on paper in path units.
    low, extra = PEN_MIN_MM * UNIT, (PEN_MAX_MM - PEN_MIN_MM) * UNIT
    return [
        low + extra * min(1.0, share * (0.5 + (p if 0 < p <= 1 else 0.5)))
        for share, p in zip(shares, ps, strict=True)
    ]


def _outline(xs, ys, widths) -> str:
    """One closed outline around the pen's path: left edge, round cap, right edge back, cap."""
    count = len(xs)
    x0, y0 = xs[0], ys[0]
    if count == 1 or max(max(xs) - x0, x0 - min(xs), max(ys) - y0, y0 - min(ys)) < 1:
        return _dot(x0, y0, max(widths) / 2)
    # Each point's normal is across the chord from the point before to the one
    # after, as long as half the pen's width there: (-ty, tx) · ratio.
    txs = list(map(sub, [*xs[1:], xs[-1]], [x0, *xs[:-1]]))
    tys = list(map(sub, [*ys[1:], ys[-1]], [y0, *ys[:-1]]))
    ratios = [w / 2 / (n or 1.0) for w, n in zip(widths, map(math.hypot, txs, tys), strict=True)]
    oxs = list(map(mul, map(neg, tys), ratios))
    oys = list(map(mul, txs, ratios))
    # x, y, x, y, … of each edge: the left one forwards, the right one back.
    left, right = [0.0] * (2 * count), [0.0] * (2 * count)
    left[0::2], left[1::2] = map(add, xs, oxs), map(add, ys, oys)
    right[0::2], right[1::2] = map(sub, xs[::-1], oxs[::-1]), map(sub, ys[::-1], oys[::-1])
    edge = "%.0f %.0f l\n" * (count - 1)
    end_cap = _cap(xs[-1], ys[-1], _normal(xs[-2], ys[-2], xs[-1], ys[-1]), widths[-1] / 2)
    nx, ny = _normal(x0, y0, xs[1], ys[1])
    start_cap = _cap(x0, y0, (-nx, -ny), widths[0] / 2)
    return (
        f"{left[0]:.0f} {left[1]:.0f} m\n"
        + edge % tuple(left[2:])
        + end_cap
        + edge % tuple(right[2:])
        + start_cap
        + "h\n"
    )


def _normal(bx, by, fx, fy) -> tuple[float, float]:
    """The unit normal (to the left, y downwards) of the direction from (bx, by) to (fx, fy)."""
    tx, ty = fx - bx, fy - by
    norm = math.hypot(tx, ty) or 1.0
    return -ty / norm, tx / norm


def _cap(x: float, y: float, normal, radius: float) -> str:
    """Half a circle from point + normal·r round the front to point − normal·r."""
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
    return " ".join(str(round(number)) for number in numbers) + " c\n"


def _dot(x: float, y: float, radius: float) -> str:
    return (
        f"{round(x + radius)} {round(y)} m\n"
        + _cap(x, y, (1.0, 0.0), radius)
        + _cap(x, y, (-1.0, 0.0), radius)
        + "h\n"
    )
