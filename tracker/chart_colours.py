"""The dashboard charts' series colours: one palette per theme, the only place they are written.

``chart_data_for`` sends the palettes with the chart data and ``dashboard.js`` draws each series
in its theme's colour (light or dark, as ``theme.js`` set it), on the dashboard and on a
clinician's summary. Every colour reaches 3:1 against the card it is drawn on (WCAG 2.1, 1.4.11
non-text contrast), checked in ``tests/test_chart_colours.py``; a browser test checks that the
cards really are ``CARD_BACKGROUND`` and that the charts draw these colours.

Why these: light series are dark enough for white (at most 0.317 relative luminance), dark ones
light enough for the dark card (at least 0.153). Series on one chart differ in lightness or in
shape, not in hue alone: the feeding minutes line is darker than the feed bars it crosses; crying
is dashed beside the orange spit-ups (``dashboard.js``); the Brussels groups keep their families
(brown hard, ochre formed, yellow loose, blue watery) and go from dark to light, hard to loose, so
stacked neighbours stay apart without colour. The PDF summary keeps its own print colours
(``tracker/exports/pdf_layout.py``)."""

#: Bootstrap 5.3's ``--bs-body-bg``, which its cards take, in each theme.
CARD_BACKGROUND = {"light": "#ffffff", "dark": "#212529"}

#: Each series' colour by theme, keyed by the names ``dashboard.js`` asks for.
SERIES_COLOURS = {
    "light": {
        "feeds": "#3d8bfd",
        "feed_minutes": "#0f5132",
        "spit_ups": "#ca6510",
        "vomiting": "#b02a37",
        "stools": "#6f42c1",
        "crying": "#dc3545",
        "stools_hard": "#6f4520",
        "stools_formed": "#9c6e12",
        "stools_loose": "#a88c00",
        "stools_watery": "#1f78b4",
    },
    "dark": {
        "feeds": "#9ec5fe",
        "feed_minutes": "#198754",
        "spit_ups": "#fd7e14",
        "vomiting": "#e35d6a",
        "stools": "#a98eda",
        "crying": "#dc3545",
        "stools_hard": "#a97342",
        "stools_formed": "#d4a24c",
        "stools_loose": "#e6c86e",
        "stools_watery": "#7fb3d5",
    },
}
