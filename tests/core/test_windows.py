"""Time windows: open from the opening moment included to the closing moment excluded, for the models
and for the queries alike; a closing moment must come after the opening one."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from budgets.models import PublicVote
from consultations.models import ConsultationPage
from core.windows import CLOSES_BEFORE_OPENS, Phase, TimeWindow, in_phase
from tests import factories

OPENS = datetime(2025, 3, 1, 9, tzinfo=UTC)
CLOSES = datetime(2025, 3, 31, 18, tzinfo=UTC)
INSTANT = timedelta(microseconds=1)
MESSAGE = "The closing date must come after the opening date."


@pytest.fixture(autouse=True)
def _in_english():
    """Messages and labels compared with their source strings, whatever the translations say."""
    with translation.override("en"):
        yield


class Window(TimeWindow):
    def __init__(self, opens_at, closes_at):
        self.opens_at = opens_at
        self.closes_at = closes_at


@pytest.mark.parametrize(
    ("moment", "phase"),
    [
        (OPENS - INSTANT, Phase.UPCOMING),
        (OPENS, Phase.OPEN),
        (CLOSES - INSTANT, Phase.OPEN),
        (CLOSES, Phase.CLOSED),
        (CLOSES + timedelta(days=400), Phase.CLOSED),
    ],
)
def test_a_window_is_open_from_its_opening_included_to_its_closing_excluded(moment, phase):
    window = Window(OPENS, CLOSES)
    assert window.phase(moment) == phase
    assert window.is_open(moment) is (phase == Phase.OPEN)


def test_without_a_moment_a_window_is_read_now():
    assert Window(OPENS, CLOSES).phase() == Phase.CLOSED
    assert Window(OPENS, datetime(9999, 1, 1, tzinfo=UTC)).is_open()


def test_the_phases_keep_their_stored_values_and_labels():
    assert Phase.choices == [("upcoming", "Not open yet"), ("open", "Open"), ("closed", "Closed")]


@pytest.mark.parametrize("closes_at", [OPENS, OPENS - timedelta(hours=1)])
def test_a_window_closing_at_or_before_its_opening_is_refused(closes_at):
    assert Window(OPENS, closes_at).window_errors() == {"closes_at": CLOSES_BEFORE_OPENS}
    assert str(CLOSES_BEFORE_OPENS) == MESSAGE


@pytest.mark.parametrize(("opens_at", "closes_at"), [(OPENS, CLOSES), (None, CLOSES), (OPENS, None)])
def test_a_window_in_order_or_not_filled_in_yet_has_no_error(opens_at, closes_at):
    assert Window(opens_at, closes_at).window_errors() == {}


def test_a_consultation_closing_when_it_opens_is_refused_on_its_closing_date(consultation):
    consultation.closes_at = consultation.opens_at
    with pytest.raises(ValidationError) as refused:
        consultation.clean()
    assert refused.value.message_dict == {"closes_at": [MESSAGE]}


def test_a_public_vote_reports_its_window_with_its_other_mistakes():
    vote = PublicVote(opens_at=CLOSES, closes_at=OPENS, min_projects=3, max_projects=2)
    with pytest.raises(ValidationError) as refused:
        vote.clean()
    assert refused.value.message_dict == {
        "closes_at": [MESSAGE],
        "max_projects": ["The maximum must not be below the minimum."],
    }


@pytest.mark.django_db
def test_queries_draw_the_same_boundaries_as_the_models(organisation):
    page = factories.consultation_create(organisation=organisation)
    ids = ConsultationPage.objects.filter(pk=page.pk)
    for moment in (page.opens_at - INSTANT, page.opens_at, page.closes_at - INSTANT, page.closes_at):
        for phase in Phase:
            assert ids.filter(in_phase(phase, moment)).exists() is (page.phase(moment) == phase)
            assert ids.in_phase(phase, moment).exists() is (page.phase(moment) == phase)
        assert ids.open_at(moment).exists() is page.is_open(moment)


@pytest.mark.django_db
def test_a_draft_page_is_open_to_nobody(organisation):
    page = factories.consultation_create(organisation=organisation, publish=False)
    assert page.is_open(page.opens_at)
    assert not ConsultationPage.objects.filter(pk=page.pk).open_at(page.opens_at).exists()
