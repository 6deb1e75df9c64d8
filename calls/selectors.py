"""Reads of calls for projects: dossiers with what their lists show, and the ranking of a call."""

from dataclasses import dataclass, field
from decimal import Decimal
from statistics import mean, pstdev

from django.db.models import Count, Prefetch, Q

from calls.models import Assignment, Criterion, Milestone, Project, ProjectFollow, Score, StatusChange

# Evaluators' marks (out of 100) further apart than this are shown as a disagreement.
DISAGREEMENT_SPREAD = 20


def projects_for_officials(*, call):
    """The submitted dossiers of a call, with what the officials' list shows, in a fixed number of queries."""
    return (
        call.projects.submitted()
        .select_related("applicant", "territory", "service")
        .prefetch_related("tags")
        .annotate(
            evaluator_count=Count("assignments", filter=Q(assignments__has_conflict=False), distinct=True),
            scored_count=Count(
                "assignments",
                filter=Q(assignments__has_conflict=False, assignments__scored_at__isnull=False),
                distinct=True,
            ),
        )
        .order_by("submitted_at", "pk")
    )


def projects_of_applicant(*, user):
    return Project.objects.filter(applicant=user).select_related("call").order_by("-updated_at")


def laureates(*, call):
    """The selected projects of a call once published, with their follow-up milestones."""
    if call.laureates_published_at is None:
        return Project.objects.none()
    return (
        call.projects.filter(status=Project.Status.SELECTED)
        .select_related("territory")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "pk")))
        .order_by("title")
    )


def followed_laureates(*, call, user) -> set[int]:
    """The ids of the call's projects `user` follows (none for a visitor)."""
    if not user.is_authenticated:
        return set()
    return set(
        ProjectFollow.objects.filter(user=user, project__call=call).values_list("project_id", flat=True)
    )


def status_log(*, project):
    return StatusChange.objects.filter(project=project).select_related("actor")


def assignments_of_evaluator(*, user):
    return (
        Assignment.objects.filter(evaluator=user)
        .select_related("project", "project__call")
        .order_by("project__call__closes_at", "project__pk")
    )


@dataclass
class Rank:
    project: Project
    marks: list[float] = field(default_factory=list)  # one per evaluator who scored, out of 100

    @property
    def mark(self) -> float | None:
        return round(mean(self.marks), 1) if self.marks else None

    @property
    def spread(self) -> float | None:
        return round(max(self.marks) - min(self.marks), 1) if len(self.marks) > 1 else None

    @property
    def deviation(self) -> float | None:
        return round(pstdev(self.marks), 1) if len(self.marks) > 1 else None

    @property
    def disagreement(self) -> bool:
        return self.spread is not None and self.spread > DISAGREEMENT_SPREAD


def evaluator_mark(scores: dict[int, int], criteria: list[Criterion]) -> float | None:
    """An evaluator's mark out of 100: the weighted mean of their scores, each scaled to its maximum.

    None unless every criterion of the grid was scored.
    """
    if not criteria or any(criterion.pk not in scores for criterion in criteria):
        return None
    weights = sum((criterion.weight for criterion in criteria), Decimal("0"))
    total = sum(
        (criterion.weight * Decimal(scores[criterion.pk]) / criterion.max_score for criterion in criteria),
        Decimal("0"),
    )
    return float(total / weights * 100)


def ranking(*, call) -> list[Rank]:
    """The evaluated dossiers of a call, best first: the mean of their evaluators' weighted marks, and
    how far apart those marks are. Evaluators with a conflict of interest never count."""
    criteria = list(Criterion.objects.filter(call=call))
    projects = {
        project.pk: Rank(project=project)
        for project in call.projects.submitted()
        .exclude(status__in=[Project.Status.SUBMITTED, Project.Status.INELIGIBLE])
        .select_related("territory")
    }
    by_assignment: dict[int, dict[int, int]] = {}
    owner: dict[int, int] = {}
    # In the order the dossiers were given to their evaluators, so each dossier lists its marks the same
    # way at every visit.
    rows = (
        Score.objects.filter(assignment__project__call=call, assignment__has_conflict=False)
        .order_by("assignment_id", "criterion_id")
        .values_list("assignment_id", "assignment__project_id", "criterion_id", "value")
    )
    for assignment_id, project_id, criterion_id, value in rows:
        by_assignment.setdefault(assignment_id, {})[criterion_id] = value
        owner[assignment_id] = project_id
    for assignment_id, scores in by_assignment.items():
        mark = evaluator_mark(scores, criteria)
        if mark is not None and owner[assignment_id] in projects:
            projects[owner[assignment_id]].marks.append(mark)
    ranks = list(projects.values())
    ranks.sort(key=lambda rank: (rank.mark is None, -(rank.mark or 0), rank.project.pk))
    return ranks


def project_scores(*, project, evaluator=None):
    """The scores of a dossier by assignment (only `evaluator`'s when given), with criteria, for display."""
    assignments = project.assignments.select_related("evaluator").prefetch_related(
        Prefetch(
            "scores", queryset=Score.objects.select_related("criterion").order_by("criterion__sort_order")
        )
    )
    if evaluator is not None:
        assignments = assignments.filter(evaluator=evaluator)
    return assignments
