"""Colour contrast as WCAG 2.1 defines it (RGAA 3.2 and 3.3), for colours an editor chooses.

https://www.w3.org/TR/WCAG21/#dfn-relative-luminance and #dfn-contrast-ratio: text needs 4.5:1
against its background, the borders of controls and the focus indicator 3:1.
"""

import re

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
TEXT_RATIO = 4.5
GRAPHIC_RATIO = 3.0


def rgb(colour: str) -> tuple[int, int, int]:
    """The red, green and blue of `#rrggbb` (0–255 each)."""
    if not HEX_COLOUR.match(colour):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def relative_luminance(colour: str) -> float:
    """From 0 (black) to 1 (white), as the eye weighs sRGB's three channels."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """From 1 (the same) to 21 (black on white); the order of the two colours does not matter."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def darken(colour: str, amount: float) -> str:
    """The colour mixed with `amount` (0–1) of black: a hover shade that contrasts more with white."""
    return "#" + "".join(f"{round(channel * (1 - amount)):02x}" for channel in rgb(colour))
