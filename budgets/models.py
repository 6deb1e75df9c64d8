"""Public votes on a call's projects (participatory budgets): the rules of a vote, and its ballots."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from core.windows import TimeWindow, window_panel


class Method(models.TextChoices):
    APPROVAL = "approval", _("Approval: choose between a minimum and a maximum number of projects")
    BASKET = "basket", _("Basket: choose projects whose total cost fits the budget")
    MAJORITY_JUDGMENT = "majority_judgment", _("Majority judgment: grade every project")


class Grade(models.IntegerChoices):
    """The grades of majority judgment, worst first (their order is what the tally compares)."""

    REJECT = 0, _("To reject")
    INSUFFICIENT = 1, _("Insufficient")
    PASSABLE = 2, _("Passable")
    FAIR = 3, _("Fair")
    GOOD = 4, _("Good")
    VERY_GOOD = 5, _("Very good")
    EXCELLENT = 6, _("Excellent")


class PublicVote(TimeWindow, models.Model):
    """The public vote of a call: how people vote on its selected projects, when, and who may."""

    call = models.OneToOneField(
        "calls.CallPage", verbose_name=_("call"), on_delete=models.PROTECT, related_name="public_vote"
    )
    method = models.CharField(
        _("voting method"), max_length=20, choices=Method.choices, default=Method.APPROVAL
    )
    min_projects = models.PositiveSmallIntegerField(
        _("minimum number of projects"),
        default=1,
        help_text=_("Approval and basket: the fewest projects a ballot may choose."),
    )
    max_projects = models.PositiveSmallIntegerField(
        _("maximum number of projects"),
        null=True,
        blank=True,
        help_text=_("Approval and basket: the most projects a ballot may choose. Empty: no maximum."),
    )
    budget = models.DecimalField(
        _("budget put to the vote (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "Required for a basket (a ballot's projects must fit it). For every method, the winners are "
            "the most supported projects that fit it. Empty: the call's total budget."
        ),
    )
    opens_at = models.DateTimeField(_("voting opens at"))
    closes_at = models.DateTimeField(_("voting closes at"), help_text=_("Ballots can be changed until then."))
    minimum_age = models.PositiveSmallIntegerField(
        _("minimum age"),
        default=0,
        help_text=_("People reaching this age during the year the vote closes may vote. 0: no limit."),
    )
    residence_territory = models.ForeignKey(
        "accounts.Territory",
        verbose_name=_("residents of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only people declaring a commune in this territory may vote. Empty: anyone."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("call"),
        FieldPanel("method"),
        FieldRowPanel([FieldPanel("min_projects"), FieldPanel("max_projects"), FieldPanel("budget")]),
        window_panel(),
        MultiFieldPanel(
            [FieldPanel("minimum_age"), FieldPanel("residence_territory")], heading=_("Who may vote")
        ),
    ]

    class Meta:
        verbose_name = _("public vote")
        verbose_name_plural = _("public votes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="public_vote_dates_ordered"
            ),
            models.CheckConstraint(
                condition=models.Q(max_projects__isnull=True)
                | models.Q(max_projects__gte=models.F("min_projects")),
                name="public_vote_min_below_max",
            ),
            models.CheckConstraint(
                condition=~models.Q(method="basket") | models.Q(budget__isnull=False),
                name="public_vote_basket_has_budget",
            ),
        ]

    def __str__(self):
        return str(self.call)

    def get_absolute_url(self):
        return reverse("budgets_vote", args=[self.pk])

    def clean(self):
        super().clean()
        errors = self.window_errors()
        if self.max_projects is not None and self.max_projects < self.min_projects:
            errors["max_projects"] = _("The maximum must not be below the minimum.")
        if self.method == Method.BASKET and self.budget is None:
            call_budget = self.call.total_budget if self.call_id else None
            if call_budget is None:
                errors["budget"] = _("A basket vote needs a budget: set it here or on the call.")
            else:
                self.budget = call_budget
        if errors:
            raise ValidationError(errors)

    @property
    def budget_limit(self):
        """The budget the winners must fit in (the vote's, else the call's), or None."""
        return self.budget if self.budget is not None else self.call.total_budget

    @property
    def graded(self) -> bool:
        return self.method == Method.MAJORITY_JUDGMENT


def ballot_public_id() -> str:
    """A random, meaningless identifier: what the open data call the ballot (never the voter)."""
    return secrets.token_hex(8)


class Ballot(models.Model):
    """One person's ballot (online), or a paper ballot typed in by an agent, in the same register."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        PAPER = "paper", _("Paper")

    vote = models.ForeignKey(PublicVote, on_delete=models.PROTECT, related_name="ballots")
    # Null for paper ballots, and once the voter's account is deleted (the ballot still counts).
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="budget_ballots",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The number written on a paper ballot: typing the same paper twice is refused.
    paper_reference = models.CharField(_("paper ballot number"), max_length=50, blank=True)
    public_id = models.CharField(max_length=16, unique=True, default=ballot_public_id, editable=False)
    # Self-declared on the ballot: what eligibility was judged on.
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    commune = models.ForeignKey(
        "accounts.Territory",
        verbose_name=_("commune of residence"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(fields=["vote", "voter"], name="ballot_one_per_voter"),
            models.UniqueConstraint(
                fields=["vote", "paper_reference"],
                condition=~models.Q(paper_reference=""),
                name="ballot_paper_typed_once",
            ),
        ]

    def __str__(self):
        return self.public_id


class BallotChoice(models.Model):
    """A project chosen on a ballot (approval, basket), or graded (majority judgment)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    project = models.ForeignKey("calls.Project", on_delete=models.PROTECT, related_name="ballot_choices")
    grade = models.PositiveSmallIntegerField(null=True, blank=True, choices=Grade.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "project"], name="ballot_choice_once"),
            models.CheckConstraint(
                condition=models.Q(grade__isnull=True) | models.Q(grade__lte=Grade.EXCELLENT),
                name="ballot_choice_grade_known",
            ),
        ]

    def __str__(self):
        return f"{self.ballot_id} → {self.project_id}"
