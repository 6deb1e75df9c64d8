import pytest

from core.contrast import contrast_ratio, darken, relative_luminance


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [
        ("#000000", "#ffffff", 21.0),  # the largest there is
        ("#ffffff", "#ffffff", 1.0),
        ("#777777", "#ffffff", 4.48),  # the grey that just fails body text (WebAIM's example)
        ("#767676", "#ffffff", 4.54),  # and the one that just passes
        ("#000091", "#ffffff", 14.91),  # DSFR bleu France
        ("#0a76f6", "#ffffff", 4.26),  # DSFR focus ring
        ("#ff0000", "#ffffff", 4.0),
    ],
)
def test_contrast_ratios_match_the_wcag_reference_values(first, second, ratio):
    assert contrast_ratio(first, second) == pytest.approx(ratio, abs=0.01)
    assert contrast_ratio(second, first) == pytest.approx(ratio, abs=0.01)


def test_relative_luminance_weighs_green_most():
    assert relative_luminance("#000000") == 0
    assert relative_luminance("#ffffff") == pytest.approx(1)
    assert relative_luminance("#00ff00") > relative_luminance("#ff0000") > relative_luminance("#0000ff")


def test_a_darker_shade_contrasts_more_with_white():
    assert darken("#1f4fa3", 0.25) == "#173b7a"
    assert contrast_ratio(darken("#1f4fa3", 0.25), "#ffffff") > contrast_ratio("#1f4fa3", "#ffffff")


def test_anything_but_a_six_digit_colour_is_refused():
    with pytest.raises(ValueError, match="not a #rrggbb colour"):
        relative_luminance("blue")
