"""A printed signature is a pen's line: wider where the pen was slow or pressed, inside its box."""

import copy
import hashlib
import math
import random
import re
from io import BytesIO

from pledges.rendering import ink
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


def looping_signature(seed: int) -> list:
    """A cursive scrawl as signature_pad records it: loops ≥ 5 px apart, every 16 ms."""
    rng = random.Random(seed)
    strokes, clock = [], 0
    for start in (30, 270, 510):
        stroke, angle = [], rng.uniform(0, math.tau)
        for step in range(200):
            angle += rng.uniform(0.35, 0.5)
            x = start + step * 1.1 + 18 * math.cos(angle)
            y = 150 + 40 * math.sin(angle) + rng.gauss(0, 0.4)
            stroke.append([round(x, 2), round(y, 2), clock, round(rng.uniform(0.4, 0.7), 3)])
            clock += 16 + rng.randint(0, 3)
        strokes.append(stroke)
        clock += 150
    return strokes


def ink_mask(path: str, width_mm: float, height_mm: float, dpi: int = 600):
    """The pixels `path` inks, rasterised by PDFium as a viewer would (a 1-bit image)."""
    import pydyf
    import pypdfium2
    from PIL import Image

    from pledges.rendering.pdfink import UNIT_TO_PT

    width, height = width_mm * 72 / 25.4, height_mm * 72 / 25.4
    document = pydyf.PDF()
    matrix = f"{UNIT_TO_PT:.7f} 0 0 {-UNIT_TO_PT:.7f} 0 {height:.3f} cm\n"
    content = pydyf.Stream([(matrix + "0 g\n" + path).encode()])
    document.add_object(content)
    page = pydyf.Dictionary(
        {
            "Type": "/Page",
            "Parent": document.pages.reference,
            "MediaBox": pydyf.Array([0, 0, width, height]),
            "Contents": content.reference,
        }
    )
    document.add_page(page)
    output = BytesIO()
    document.write(output)
    bitmap = pypdfium2.PdfDocument(output.getvalue())[0].render(scale=dpi / 72)
    grey = bitmap.to_pil().convert("L")
    return grey.point(lambda value: 255 if value < 128 else 0).convert("1", dither=Image.NONE)


def within(mask, other, pixels: int) -> bool:
    """Whether every inked pixel of `mask` is at most `pixels` from one of `other`."""
    from PIL import ImageChops, ImageFilter

    grown = other.convert("L").filter(ImageFilter.MaxFilter(2 * pixels + 1)).convert("1")
    return ImageChops.logical_and(mask, ImageChops.invert(grown)).getbbox() is None


def test_the_simplified_outline_stays_within_a_tenth_of_a_millimetre_of_the_full_one(
    monkeypatch,
):
    strokes = looping_signature(16)
    drawn = pdf_path(strokes, 30, 11)
    monkeypatch.setattr(ink, "TOLERANCE_MM", 0)
    full = pdf_path(strokes, 30, 11)

    assert drawn.count("\n") < 0.8 * full.count("\n")  # far fewer points, yet:
    # 600 dpi: a pixel is 0.042 mm, so 3 pixels are an eighth of a millimetre.
    simplified, complete = ink_mask(drawn, 30, 11), ink_mask(full, 30, 11)
    assert within(simplified, complete, 3) and within(complete, simplified, 3)
    inked = [mask.histogram()[-1] for mask in (simplified, complete)]
    assert abs(inked[0] - inked[1]) < 0.05 * inked[1]


def test_a_signature_draws_the_same_whichever_form_its_points_were_stored_in():
    strokes = looping_signature(3)
    as_objects = [[dict(zip("xytp", point, strict=True)) for point in s] for s in strokes]

    assert pdf_path(as_objects, 30, 11) == pdf_path(strokes, 30, 11)
    assert pdf_path(as_objects, 45, 16) == pdf_path(strokes, 45, 16)


def test_a_change_to_the_drawing_comes_with_a_new_drawing_name():
    # Signatures keep their drawing from the day they were recorded, and documents print
    # it while ink.DRAWING names the drawing that made it. If what pdf_path draws changes,
    # this digest changes: give ink.DRAWING a new name with it, so stored drawings are drawn
    # again rather than printed beside new ones that look different.
    loops = [
        [200 + 3 * n + 25 * math.cos(n / 4), 150 + 40 * math.sin(n / 4), 16 * n, 0.3 + n / 400]
        for n in range(160)
    ]
    strokes = [line(400), loops, line(900, pressure=0.8, points=12)]
    drawn = hashlib.sha256(pdf_path(strokes, *ink.LIST_BOX_MM).encode()).hexdigest()
    assert (ink.DRAWING, drawn) == (
        "pena-1",
        "0119d5ac0860438522b17526b63041c2da7995598af3179d34a81ff69035eb55",
    )
