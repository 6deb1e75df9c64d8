from functools import cached_property

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _

from reports.schema import Question, Report


class ReportSnapshot(models.Model):
    """One compiled version of a consultation's report. Written once in one transaction, never changed.

    Outcome pages pin a version, so a published page never changes silently when the report is
    recompiled.
    """

    consultation = models.ForeignKey(
        "consultations.ConsultationPage", on_delete=models.CASCADE, related_name="report_snapshots"
    )
    version = models.PositiveIntegerField(_("version"))
    compiled_at = models.DateTimeField(_("compiled at"), auto_now_add=True)
    # What the compile saw, so that a compile with nothing new to read writes no new version.
    response_count = models.PositiveIntegerField()
    responses_updated_at = models.DateTimeField(null=True)
    vote_count = models.PositiveIntegerField(default=0)
    votes_updated_at = models.DateTimeField(null=True)
    # The officials' theme corrections it applied, as "count:last id" (see ThemeCorrection).
    corrections_mark = models.CharField(max_length=40, blank=True)
    # Everyone who took part, counted once (the report's `people.total`), for the list of reports; None
    # in versions compiled before it was counted (the list then shows `response_count`).
    people_count = models.PositiveIntegerField(null=True)
    data = models.JSONField()

    class Meta:
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        ordering = ["consultation", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "version"], name="report_snapshot_unique_version"
            ),
        ]

    def __str__(self):
        return _("%(consultation)s — report version %(version)s") % {
            "consultation": self.consultation.title,
            "version": self.version,
        }

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Report snapshots are immutable; compile a new version instead.")
        super().save(*args, **kwargs)

    @cached_property
    def report(self) -> Report:
        """The version's data in its typed format (`reports/schema.py`): how every reader reads it."""
        return Report.from_data(self.data)

    @property
    def participants(self) -> int:
        return self.report.participants

    @property
    def questions(self) -> list[Question]:
        return self.report.questions


class ReportCompileState(models.Model):
    """Where a consultation's report compile stands; shared by the web processes and the workers.

    `queued_at` collapses requests: while a compile is queued and not started, further responses queue
    nothing more. A queued mark older than `STALE_AFTER` is taken as lost (a crashed publisher).
    `task_id` names the compile last queued, so that a failure the worker could not write here (it could
    not reach the database) is found in Celery's result backend and recorded by the next reader.
    """

    consultation = models.OneToOneField(
        "consultations.ConsultationPage",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="report_state",
    )
    queued_at = models.DateTimeField(null=True)
    task_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    failed_at = models.DateTimeField(null=True)
    # The kind of error only (an exception class name): never data from the contributions.
    last_error = models.CharField(max_length=200, blank=True)
    # How far the running compile is, for the progress bar officials see.
    stage = models.CharField(max_length=20, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("report compile state")

    def __str__(self):
        return f"{self.consultation_id}"

    class Stage(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        READING = "reading", _("Reading the contributions")
        ANALYSING = "analysing", _("Analysing")
        STORING = "storing", _("Storing the new version")

    @property
    def running(self) -> bool:
        """Queued, or started and neither finished nor failed since."""
        if self.queued_at:
            return True
        if not self.started_at:
            return False
        ended = max(filter(None, [self.finished_at, self.failed_at]), default=None)
        return ended is None or ended < self.started_at


def _private_storage():
    return storages["private"]


class ReportExport(models.Model):
    """A report version as a downloadable file (XLSX workbook, ODS spreadsheet or a zip of CSV files),
    built once in the background and handed out only through short-lived signed links. A version never
    changes, so neither does its export."""

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Workbook (XLSX)")
        ODS = "ods", _("Spreadsheet (ODS)")
        CSV = "csv", _("CSV files (zip)")

    # Each format's file name extension and content type.
    FILES = {
        Format.XLSX: ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        Format.ODS: ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
        Format.CSV: ("zip", "application/zip"),
    }

    snapshot = models.ForeignKey(ReportSnapshot, on_delete=models.CASCADE, related_name="exports")
    format = models.CharField(max_length=4, choices=Format.choices)
    language = models.CharField(max_length=10)
    file = models.FileField(storage=_private_storage, upload_to="reports/")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "format", "language"], name="report_export_once"),
        ]

    def __str__(self):
        return f"{self.snapshot_id}.{self.format}"

    @property
    def suffix(self) -> str:
        return self.FILES[self.format][0]

    @property
    def content_type(self) -> str:
        return self.FILES[self.format][1]


class ThemeCorrection(models.Model):
    """An official's correction of the themes found in the written answers to one question: applied by
    every later compile (`analysis/theme_corrections.py`), so it survives recompiles."""

    class Kind(models.TextChoices):
        RENAME = "rename", _("Rename")
        MERGE = "merge", _("Merge")
        MOVE = "move", _("Move an answer")

    consultation = models.ForeignKey(
        "consultations.ConsultationPage", on_delete=models.CASCADE, related_name="theme_corrections"
    )
    question_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    theme_id = models.CharField(max_length=40)
    into = models.CharField(max_length=40, blank=True)
    answer_id = models.BigIntegerField(null=True, blank=True)
    label = models.CharField(_("name"), max_length=120, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.kind} {self.theme_id}"

    def as_dict(self) -> dict:
        return {
            "id": self.pk,
            "kind": self.kind,
            "theme_id": self.theme_id,
            "into": self.into,
            "answer_id": self.answer_id,
            "label": self.label,
        }
