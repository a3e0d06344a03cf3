"""The dashboard charts' series stand out from their card at WCAG 2.1's 3:1 for graphics (1.4.11),
in the light theme and the dark one, and the stool groups keep their order from hard to loose."""

import pytest

from tracker.chart_colours import CARD_BACKGROUND, SERIES_COLOURS


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.1's relative luminance of an sRGB colour written #rrggbb."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(one: str, other: str) -> float:
    lighter, darker = sorted((relative_luminance(one), relative_luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_contrast_ratio_is_wcag_s():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1)
    assert round(contrast_ratio("#767676", "#ffffff"), 2) == 4.54  # the well-known 4.5:1 grey


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_series_reaches_3_to_1_against_its_theme_s_card(theme):
    background = CARD_BACKGROUND[theme]
    below = {
        name: round(contrast_ratio(colour, background), 2)
        for name, colour in SERIES_COLOURS[theme].items()
        if contrast_ratio(colour, background) < 3
    }
    assert below == {}, f"under 3:1 against {background} in the {theme} theme: {below}"


def test_both_themes_colour_the_same_series():
    assert SERIES_COLOURS["light"].keys() == SERIES_COLOURS["dark"].keys()
    assert len(SERIES_COLOURS["light"]) == 10


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_brussels_groups_go_from_dark_to_light_hard_to_loose(theme):
    colours = SERIES_COLOURS[theme]
    hard, formed, loose = (relative_luminance(colours[f"stools_{g}"]) for g in ("hard", "formed", "loose"))
    # Stacked neighbours apart by lightness (at least 1.3:1 between them), not by hue alone.
    assert (formed + 0.05) / (hard + 0.05) >= 1.3 and (loose + 0.05) / (formed + 0.05) >= 1.3


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_feeding_minutes_line_stands_out_from_the_feed_bars_it_crosses(theme):
    colours = SERIES_COLOURS[theme]
    assert contrast_ratio(colours["feed_minutes"], colours["feeds"]) >= 2.5
