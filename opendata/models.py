from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _


def _private_storage():
    """The storage of files handed out by a view after its checks, never at a public address: a
    withdrawn dataset must not stay downloadable by the name of its ZIP."""
    return storages["private"]


class OpenDataset(models.Model):
    """The built files of one consultation's or call's open data: a ZIP in the default storage, and the
    list of its files with their sizes, rows and SHA-256. Built by a Celery task (`services.
    opendataset_build`), never in a web request; the pages and downloads read it from here.

    `stage` says what the build covered (the consultation's published report version, the call's
    milestones reached, the page's last publication): when it differs from what the page is now, a new
    build is queued and the stored one is served meanwhile. `withdrawn` is set in the transaction that
    hides content (moderation): the stored files are not served until a build that began reading after
    it is stored. The ZIP is in the private storage, served only by the open-data views.
    """

    consultation = models.OneToOneField(
        "consultations.ConsultationPage",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="open_dataset",
    )
    call = models.OneToOneField(
        "calls.CallPage", on_delete=models.CASCADE, null=True, blank=True, related_name="open_dataset"
    )
    archive = models.FileField(upload_to="opendata/", storage=_private_storage, blank=True)
    slug = models.CharField(max_length=100, blank=True)  # the ZIP's name and folder
    # [{"name", "size", "rows", "sha256"}] in display order; the notes' codes (parts not published yet).
    files = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True)
    zip_size = models.PositiveBigIntegerField(default=0)
    zip_sha256 = models.CharField(max_length=64, blank=True)
    stage = models.CharField(max_length=200, blank=True)
    report_version = models.ForeignKey(
        "feedback.ReportSnapshot", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    built_at = models.DateTimeField(null=True, blank=True)
    withdrawn = models.BooleanField(default=False)
    # How many times content was withdrawn (each moderation that hides something): a build clears
    # `withdrawn` only if no withdrawal came after it began reading.
    withdrawals = models.PositiveIntegerField(default=0)
    # When the stored build began reading the database: an older build never replaces a newer one.
    build_started_at = models.DateTimeField(null=True, blank=True)
    # A build is queued and not started yet: further requests queue nothing more (see services).
    requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("open dataset")
        verbose_name_plural = _("open datasets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consultation__isnull=False, call__isnull=True)
                | models.Q(consultation__isnull=True, call__isnull=False),
                name="open_dataset_one_subject",
            ),
        ]

    def __str__(self):
        return self.slug or f"{self.consultation_id or self.call_id}"

    @property
    def zip_name(self) -> str:
        return f"{self.slug}.zip"

    @property
    def servable(self) -> bool:
        """Built, and not withdrawn by a moderation since."""
        return bool(self.built_at and self.archive) and not self.withdrawn
