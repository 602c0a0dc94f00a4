"""Hostile FITS headers: whatever the cards say, ``from_headers`` builds a skymap or
raises a ``skymaps.errors`` exception naming the image (never another exception, a
panic or a hang). The Rust side is fuzzed by ``fuzz/fuzz_targets/fits_header.rs``.

Headers are real ``astropy.io.fits.Header`` objects (the oracle for what a FITS file
can hold): hypothesis writes the WCS cards with hostile values (unsupported or
mismatched projections, singular or huge CD matrices, poles, SIP/TPV/ZPN terms of any
order and size, strings where numbers belong), and images of wildly different sizes.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skymaps import headers
from skymaps.errors import SkymapsError

fits = pytest.importorskip("astropy.io.fits")

PROJECTIONS = ["TAN", "TAN-SIP", "TPV", "ZPN", "SIN", "ZEA", "CAR", "STG", "CEA", "AIT", "XYZ"]
numbers = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.sampled_from([0.0, -0.0, 1e-300, 1e300, 90.0, -90.0, 180.0, 360.0]),
    st.integers(-(2**40), 2**40),
)
#: A number or, sometimes, a string where a number belongs (FITS text is printable ASCII).
ascii_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=8)
values = st.one_of(numbers, numbers, numbers, ascii_text)
scales = st.one_of(st.floats(-10.0, 10.0), st.sampled_from([0.0, 1e-12, -1e-5, 1e-5, 1.0]))


@st.composite
def header(draw) -> fits.Header:
    h = fits.Header()
    h["NAXIS"] = 2
    h["NAXIS1"] = draw(st.one_of(st.integers(1, 5000), st.integers(-5, 2**31)))
    h["NAXIS2"] = draw(st.one_of(st.integers(1, 5000), st.integers(-5, 2**31)))
    p1, p2 = draw(st.sampled_from(PROJECTIONS)), draw(st.sampled_from(PROJECTIONS))
    if draw(st.booleans()):
        p2 = p1  # mostly consistent pairs: they reach the projection code
    h["CTYPE1"] = draw(st.sampled_from(["RA---", "GLON-", "DEC--", "RA--"])) + p1
    h["CTYPE2"] = draw(st.sampled_from(["DEC--", "GLAT-", "RA---", "DEC-"])) + p2
    h["CRVAL1"], h["CRVAL2"] = draw(values), draw(values)
    h["CRPIX1"], h["CRPIX2"] = draw(values), draw(values)
    for key in ("CD1_1", "CD1_2", "CD2_1", "CD2_2"):
        h[key] = draw(st.one_of(scales, values))
    for key in ("LONPOLE", "LATPOLE"):
        if draw(st.booleans()):
            h[key] = draw(values)
    for i, m in draw(st.lists(st.tuples(st.integers(1, 2), st.integers(0, 45)), max_size=6)):
        h[f"PV{i}_{m}"] = draw(st.one_of(scales, values))
    for name in ("A", "B", "AP", "BP"):
        if draw(st.booleans()):
            order = draw(st.integers(-1, 12))
            h[f"{name}_ORDER"] = order
            exponents = st.tuples(st.integers(0, 13), st.integers(0, 13))
            for p, q in draw(st.lists(exponents, max_size=4)):
                h[f"{name}_{p}_{q}"] = draw(scales)
    return h


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(header(), min_size=1, max_size=3))
def test_hostile_headers_give_a_skymaps_error(hdrs):
    try:
        sky = headers.from_headers(hdrs)
    except SkymapsError as err:
        assert str(err).strip(), "an error must say what is wrong"
        return
    assert len(sky) == len(hdrs)  # one tract per image, none dropped silently


def _image(ctype: str, crval: tuple[float, float], scale: float, n: int) -> fits.Header:
    h = fits.Header()
    h.update(NAXIS=2, NAXIS1=n, NAXIS2=n, CTYPE1=f"RA---{ctype}", CTYPE2=f"DEC--{ctype}")
    h.update(CRVAL1=crval[0], CRVAL2=crval[1], CRPIX1=(n + 1) / 2, CRPIX2=(n + 1) / 2)
    h.update(CD1_1=-scale, CD1_2=0.0, CD2_1=0.0, CD2_2=scale)
    return h


def test_huge_image_among_tiny_ones():
    """Found by fuzzing: a 100-degree image beside two 10^-4-degree ones made the owner
    index list every 0.2-arcmin pixel of the big one (10^9 entries: minutes, gigabytes);
    the index now picks a coarser order. Oracle for the owners: containment by
    construction (each tiny image's centre lies in no other image)."""
    sky = headers.from_headers(
        [
            ("big", _image("STG", (10.0, 0.0), 0.1, 1000)),
            ("t1", _image("TAN", (80.0, 50.0), 1e-5, 10)),
            ("t2", _image("TAN", (90.0, 50.0), 1e-5, 10)),
        ]
    )
    assert sky.find_tract([10.0, 80.0, 90.0, 200.0], [0.0, 50.0, 50.0, 0.0]).tolist() == [
        0, 1, 2, -1,
    ]  # fmt: skip
