"""Who sees what on the back office's first screen (cms/dashboard.py), and who reports back on which
consultation.

The rows themselves are narrowed by each app's rules (consultations, calls: `within_role` on the
person's memberships); this module only adds the site's part: the site's editors, who write the outcome
pages of every organisation's consultations, and the roles that make a panel worth showing.
"""

from dataclasses import dataclass

from accounts.models import Membership
from accounts.permissions import is_administrator, within_role
from cms.models import HomePage, OutcomePage
from consultations.models import ConsultationPage


@dataclass(frozen=True)
class Desk:
    """What waits for a member of staff, by role (one query for the roles, one for the page rights)."""

    moderates: bool  # moderator of an organisation, or administrator: the contributions to moderate
    officiates: bool  # official of an organisation, or administrator: ideas, dossiers, reports, figures
    reports_back: bool  # official, organisation editor, site editor or administrator: the duty to report back
    writes_outcomes: bool  # may add an outcome page (under the home page): site editors, administrators
    home: HomePage | None

    @property
    def has_work(self) -> bool:
        return self.moderates or self.officiates or self.reports_back


def may_write_outcome_pages(user, home: HomePage | None) -> bool:
    """Whether `user` may add an outcome page: Wagtail's rights on the home page, where they are made."""
    if home is None or not OutcomePage.can_create_at(home):
        return False
    return home.permissions_for_user(user).can_add_subpage()


def desk_of(user) -> Desk:
    """The panels `user` is shown. Administrators see every panel, on every organisation."""
    home = HomePage.objects.only("pk", "path", "depth", "url_path").first()
    writes_outcomes = user.is_authenticated and may_write_outcome_pages(user, home)
    if is_administrator(user):
        return Desk(True, True, True, writes_outcomes, home)
    roles = (
        set(Membership.objects.filter(user=user).values_list("role", flat=True))
        if user.is_authenticated
        else set()
    )
    official = Membership.Role.OFFICIAL in roles
    return Desk(
        moderates=Membership.Role.MODERATOR in roles,
        officiates=official,
        reports_back=official or Membership.Role.EDITOR in roles or writes_outcomes,
        writes_outcomes=writes_outcomes,
        home=home,
    )


def report_back_consultations(user, *, desk: Desk):
    """The consultations whose outcome `user` sees to: all of them for the site's editors and
    administrators (outcome pages are the site's), else those of the organisations where they are an
    official or an editor."""
    consultations = ConsultationPage.objects.select_related("organisation")
    if desk.writes_outcomes:
        return consultations
    return within_role(user, consultations, organisation="organisation", role=("official", "editor"))
