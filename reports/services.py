"""Compiling reports: the layer between the database and the plain-Python analysis."""

import logging
import secrets
from datetime import timedelta

from celery import current_app, states
from celery.utils import uuid
from django.core import signing
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from consultations.models import Audience, Channel, ConsultationPage
from core.outbox import outbox_enqueue, outbox_failed
from reports import exports, loaders, selectors
from reports.analysis import crosstabs, participation, themes
from reports.analysis.ideas import summarise_ideas
from reports.analysis.questionnaire import SMALL_CELL, summarise
from reports.analysis.theme_corrections import apply_corrections, official_theme_id
from reports.events import report_compiled_after_closing
from reports.models import ReportCompileState, ReportExport, ReportSnapshot, ThemeCorrection
from reports.schema import (
    ChannelAudience,
    ChannelCounts,
    ConsultationInfo,
    Crosstab,
    Day,
    Ideas,
    Method,
    Moderation,
    Participation,
    People,
    Question,
    QuestionThemes,
    Report,
    TerritoryRow,
    VotesPerVoter,
)
from reports.statements import statements_section

logger = logging.getLogger(__name__)

# A compile queued longer ago than this and never started is taken as lost, and may be queued again.
STALE_AFTER = timedelta(minutes=10)

# The tasks (reports/tasks.py) queued from here, by the names they are registered under: the tasks call
# these services, so this module does not import them.
COMPILE_TASK = "reports.tasks.report_compile_task"
EXPORT_TASK = "reports.tasks.report_export_task"


def report_watermark(consultation_id: int) -> tuple:
    """What a compile reads: sent responses and votes, when each last changed, and the officials'
    theme corrections (a correction, or its undoing, calls for a new version)."""
    return (
        *loaders.response_watermark(consultation_id),
        *loaders.vote_watermark(consultation_id),
        loaders.corrections_mark(consultation_id),
    )


def report_up_to_date(*, consultation_id: int, watermark=None) -> ReportSnapshot | None:
    """The latest version if it already covers every response and vote as they are now, else None.

    A version compiled before the consultation closed is not its final report: once it has closed,
    the next compile writes one even with nothing new to read (the report at closing).

    `watermark` is `report_watermark(consultation_id)` when the caller has read it already.
    """
    watermark = watermark or report_watermark(consultation_id)
    latest = selectors.report_latest(consultation_id=consultation_id)
    closed_since = (
        latest
        and latest.consultation.closes_at <= timezone.now()
        and (latest.compiled_at < latest.consultation.closes_at)
    )
    if (
        latest
        and not closed_since
        and (
            latest.response_count,
            latest.responses_updated_at,
            latest.vote_count,
            latest.votes_updated_at,
            latest.corrections_mark,
        )
        == tuple(watermark)
    ):
        return latest
    return None


def report_compile(*, consultation: ConsultationPage, force: bool = False) -> ReportSnapshot | None:
    """Compile a new version of the consultation's report and store it in one transaction.

    Returns None, and writes nothing, when the latest version already covers every response and vote
    (unless `force`). The analysis runs before the transaction, so a failure leaves the previous version as
    the one shown.
    """
    watermark = report_watermark(consultation.pk)
    count, last, votes, votes_last, corrections = watermark
    if not force and report_up_to_date(consultation_id=consultation.pk, watermark=watermark):
        return None

    report_compile_progress(
        consultation_id=consultation.pk, stage=ReportCompileState.Stage.READING, percent=10
    )
    questions = loaders.question_specs(consultation)
    # One read of the answers feeds both the questions' summaries and the cross-tabs.
    collector = crosstabs.Collector(questions)
    summary = summarise(questions, collector.watch(loaders.answer_rows(consultation.pk)), participants=count)
    report_compile_progress(
        consultation_id=consultation.pk, stage=ReportCompileState.Stage.ANALYSING, percent=50
    )
    departements, names = loaders.response_departements(consultation.pk)
    territory = crosstabs.Grouping(id="territory", label="", groups=departements, labels=names)
    tables = _crosstabs(questions, collector.collected(), territory)
    themes_found = _themes(consultation.pk, questions)
    channels = loaders.channel_counts(consultation.pk)
    people = participation.people(loaders.people_counts(consultation.pk), channels=Channel.values)
    report = Report(
        participants=summary["participants"],
        questions=[Question.from_data(question) for question in summary["questions"]],
        open_answers=summary["open_answers"],
        orphaned_answers=summary["orphaned_answers"],
        crosstabs=[Crosstab.from_data(table) for table in tables],
        themes=themes_found,
        consultation=ConsultationInfo(
            title=consultation.title,
            opens_at=consultation.opens_at.isoformat(),
            closes_at=consultation.closes_at.isoformat(),
        ),
        participation=Participation(
            channels=ChannelCounts.from_data(channels),
            timeline=[
                Day.from_data(day)
                for day in participation.timeline(loaders.responses_per_day(consultation.pk))
            ],
            votes=VotesPerVoter.from_data(
                participation.votes_per_participant(loaders.votes_per_participant(consultation.pk))
            ),
            territories=[
                TerritoryRow.from_data(row)
                for row in participation.by_territory(departements, names, participants=count)
            ],
        ),
        method=_method_card(consultation, votes=votes, channels=channels, people=people),
        ideas=Ideas.from_data(summarise_ideas(loaders.idea_rows(consultation.pk)))
        if consultation.ideas_enabled
        else None,
        statements=statements_section(consultation.pk) if consultation.statements_enabled else None,
        people=People.from_data(people),
    )

    report_compile_progress(
        consultation_id=consultation.pk, stage=ReportCompileState.Stage.STORING, percent=90
    )
    data = report.to_data()  # before the lock: a large report takes a while to write out
    with transaction.atomic():
        # Lock the consultation's row so that two compiles take their version numbers in turn.
        ConsultationPage.objects.select_for_update().filter(pk=consultation.pk).exists()
        current = ReportSnapshot.objects.filter(consultation=consultation).aggregate(v=Max("version"))["v"]
        snapshot = ReportSnapshot.objects.create(
            consultation=consultation,
            version=(current or 0) + 1,
            response_count=count,
            responses_updated_at=last,
            vote_count=votes,
            votes_updated_at=votes_last,
            corrections_mark=corrections,
            people_count=people["total"]["people"],
            data=data,
        )
        if consultation.closes_at <= timezone.now():  # the report at closing: its open data quotes it
            report_compiled_after_closing.announce(consultation_id=consultation.pk)
    logger.info("report compiled consultation=%s version=%s", consultation.pk, snapshot.version)
    return snapshot


def _method_card(consultation: ConsultationPage, *, votes: int, channels: dict, people: dict) -> Method:
    """What a reader needs to judge the figures: dates, channels and who could take part through each,
    moderation, definitions, parameters."""
    # The channels contributions came through, in a fixed order (online when there is nothing yet).
    used = {channel for counts in channels.values() for channel in counts}
    used |= {row["channel"] for row in people["channels"]}
    used = [channel for channel in Channel.values if channel in used] or [Channel.ONLINE.value]
    return Method(
        opens_at=consultation.opens_at.isoformat(),
        closes_at=consultation.closes_at.isoformat(),
        compiled_at=timezone.now().isoformat(),
        channels=used,
        audience=consultation.audience,
        audiences=[_channel_audience(consultation, channel) for channel in used],
        statement_moderation=consultation.statement_moderation,
        votes=votes,
        moderation=Moderation.from_data(loaders.moderation_counts(consultation.pk)),
        small_cell=SMALL_CELL,
    )


def _channel_audience(consultation: ConsultationPage, channel: str) -> ChannelAudience:
    """Who could take part through `channel`: online, the consultation's own audience; a paper form or
    an imported conversation have theirs, whatever the page says of the online one."""
    if channel != Channel.ONLINE:
        return ChannelAudience(channel=channel, audience=channel)
    territory = consultation.audience_territory if consultation.audience == Audience.TERRITORY else None
    return ChannelAudience(
        channel=channel, audience=consultation.audience, territory=territory.name if territory else ""
    )


def _crosstabs(questions: list, collected: crosstabs.Collected, territory: crosstabs.Grouping) -> list[dict]:
    """Single-answer questions, each choice of multiple-choice ones, the first choice of rankings, and
    scales and numbers, by département (`territory`) and by age band (when asked), tests adjusted
    together."""
    crossed = [q for q in questions if q.kind in crosstabs.CROSSED_KINDS | crosstabs.NUMERIC_KINDS]
    multiple = [q for q in questions if q.kind == "multiple_choice"]
    if not crossed and not multiple:
        return []
    per_choice = crosstabs.one_question_per_choice(
        multiple, collected, chosen=_("Chose it"), not_chosen=_("Did not choose it")
    )
    groupings = [territory, *crosstabs.age_band_groupings(crossed, collected)]
    return crosstabs.crosstabulate(crossed + per_choice, collected, groupings)


def _themes(consultation_id: int, questions: list) -> list[QuestionThemes]:
    """The themes of each long-text question; short texts (a name, a place) have none to find."""
    open_questions = [q for q in questions if q.kind == "open_text"]
    texts = loaders.open_texts(consultation_id, question_ids=[q.id for q in open_questions])
    corrections = loaders.theme_corrections(consultation_id)
    return [
        QuestionThemes.from_data(
            {
                "question_id": q.id,
                "question_label": q.label,
                **apply_corrections(themes.themes(texts[q.id]), corrections.get(q.id, []), dict(texts[q.id])),
            }
        )
        for q in open_questions
    ]


def report_compile_schedule(*, consultation_id: int) -> bool:
    """Queue a compile of the consultation's report, unless one is already queued and not started.

    Never raises: the contribution that asked for it is already committed, and if the broker is down
    the periodic refresh compiles the report once it is back. Returns whether a task was queued.

    Sent to the broker at once rather than through the outbox: the claim in `ReportCompileState` is this
    request's durable record already (it collapses requests, and one lost with the broker expires after
    STALE_AFTER and is queued again by `reports_refresh_task`), and the compile runs under the task id
    written in the claim, where the failure of a worker that could not reach the database is found
    (`report_compile_state`); an outbox row would be published under another id.
    """
    now = timezone.now()
    task_id = uuid()
    try:
        ReportCompileState.objects.get_or_create(consultation_id=consultation_id)
        claimable = ReportCompileState.objects.filter(consultation_id=consultation_id).filter(
            Q(queued_at__isnull=True) | Q(queued_at__lt=now - STALE_AFTER)
        )
        claimed = claimable.update(queued_at=now, task_id=task_id)
        if not claimed:
            # Held by a compile that may have failed where its worker could not record it: asked of the
            # result backend only then, not at every contribution.
            report_compile_state(consultation_id=consultation_id)
            claimed = claimable.update(queued_at=now, task_id=task_id)
    except DatabaseError:  # e.g. a lock timeout: the refresh schedule will queue it
        logger.exception("report compile not claimed consultation=%s", consultation_id)
        return False
    if not claimed:
        return False
    try:
        current_app.tasks[COMPILE_TASK].apply_async((consultation_id,), task_id=task_id)
    except Exception:  # broker unreachable: logged, and caught up by reports_refresh_task
        logger.exception("report compile not queued consultation=%s", consultation_id)
        try:
            ReportCompileState.objects.filter(consultation_id=consultation_id, task_id=task_id).update(
                queued_at=None
            )
        except DatabaseError:  # the claim then expires after STALE_AFTER
            logger.exception("report compile claim not released consultation=%s", consultation_id)
        return False
    return True


def report_compile_state(*, consultation_id: int) -> ReportCompileState | None:
    """Where the consultation's compile stands, with the failure of a compile whose worker could not
    record it (it could not reach the database) found in the result backend and recorded now: the
    official reads that it failed, and may ask again at once."""
    state = selectors.report_compile_state(consultation_id=consultation_id)
    if state is None or not state.running or not state.task_id:
        return state
    error = _task_failure(state.task_id)
    if error:
        report_compile_failed(consultation_id=consultation_id, task_id=state.task_id, error=error)
        state.refresh_from_db()
    return state


def _task_failure(task_id: str) -> str:
    """The kind of error a compile task failed with, as kept by Celery's result backend; "" while it is
    queued, running, retrying or done, or when the backend cannot be read."""
    try:
        meta = current_app.tasks[COMPILE_TASK].backend.get_task_meta(task_id)
    except Exception:  # the backend unreachable: the page shows what the database says
        logger.warning("report compile result not read task=%s", task_id, exc_info=True)
        return ""
    if meta.get("status") != states.FAILURE:
        return ""
    return type(meta.get("result")).__name__ if isinstance(meta.get("result"), BaseException) else "Error"


def report_compile_started(*, consultation_id: int) -> None:
    """Let new contributions queue another compile once this one has started reading its input."""
    ReportCompileState.objects.filter(consultation_id=consultation_id).update(
        queued_at=None, started_at=timezone.now(), stage=ReportCompileState.Stage.READING, progress=0
    )


def report_compile_progress(*, consultation_id: int, stage: str, percent: int) -> None:
    """Where the running compile is, for the progress bar; written at once, outside any transaction of
    the compile, so that officials see it move."""
    ReportCompileState.objects.filter(consultation_id=consultation_id).update(stage=stage, progress=percent)


def report_compile_finished(*, consultation_id: int) -> None:
    ReportCompileState.objects.filter(consultation_id=consultation_id).update(
        finished_at=timezone.now(), last_error="", stage="", progress=100
    )


def report_compile_failed(*, consultation_id: int, task_id: str, error: str) -> None:
    """Record that a compile failed, with the kind of error (an exception's class name, never data):
    it no longer holds the claim, so "Compile now" queues another at once. A newer compile queued since
    keeps its claim, and an older compile's failure is not recorded over it (its page would stop
    following the newer one's progress)."""
    ReportCompileState.objects.filter(consultation_id=consultation_id, task_id=task_id).update(
        failed_at=timezone.now(), last_error=error[:200], stage="", progress=0, queued_at=None
    )


def report_export(*, snapshot: ReportSnapshot, file_format: str, language: str) -> ReportExport:
    """The report version as a file in `file_format` and `language`, built once (safe to run twice)."""
    found = ReportExport.objects.filter(snapshot=snapshot, format=file_format, language=language).first()
    if found:
        return found
    with translation.override(language):
        content = exports.report_file(snapshot, file_format)
    export = ReportExport(snapshot=snapshot, format=file_format, language=language)
    # An unguessable name: the file is never served by name, but nothing should make it guessable either.
    name = f"{snapshot.consultation_id}-v{snapshot.version}-{language}-{secrets.token_hex(8)}.{export.suffix}"
    export.file.save(name, ContentFile(content), save=False)
    try:
        with transaction.atomic():
            export.save()
    except IntegrityError:  # built twice at the same time: keep the first one
        export.file.delete(save=False)
        return ReportExport.objects.get(snapshot=snapshot, format=file_format, language=language)
    logger.info("report export built snapshot=%s format=%s", snapshot.pk, file_format)
    return export


def report_export_schedule(*, snapshot: ReportSnapshot, file_format: str, language: str) -> bool:
    """Queue the building of an export through the outbox (built once the broker is reachable, even if
    it is not now); False if even the outbox cannot record it (the official is told)."""
    try:
        outbox_enqueue(EXPORT_TASK, snapshot.pk, file_format, language)
    except DatabaseError:
        logger.exception("report export not queued snapshot=%s", snapshot.pk)
        return False
    return True


def report_export_failed(*, snapshot: ReportSnapshot, file_format: str, language: str) -> bool:
    """Whether the building of this file failed and is not being tried again soon: the official may ask
    for it again (the outbox keeps the failed task, `core.outbox.outbox_failed`)."""
    return outbox_failed(EXPORT_TASK, snapshot.pk, file_format, language)


DOWNLOAD_LINK_SECONDS = 10 * 60
_DOWNLOAD_SALT = "reports.report-download"


def report_download_token(*, export: ReportExport, user) -> str:
    """A link for this person only, valid DOWNLOAD_LINK_SECONDS: forwarded or found later, it is useless."""
    return signing.dumps({"export": export.pk, "user": user.pk}, salt=_DOWNLOAD_SALT)


def report_download_read(token: str, *, user) -> ReportExport | None:
    """The export a token gives `user`; None if it is forged, for someone else, or expired
    (`signing.SignatureExpired` is raised for the last, so the page can say so)."""
    try:
        claims = signing.loads(token, salt=_DOWNLOAD_SALT, max_age=DOWNLOAD_LINK_SECONDS)
    except signing.SignatureExpired:
        raise
    except signing.BadSignature:
        return None
    if claims.get("user") != user.pk:
        return None
    return (
        ReportExport.objects.select_related("snapshot__consultation").filter(pk=claims.get("export")).first()
    )


class CorrectionRefused(Exception):
    """A theme correction that does not fit the latest report version; the message says why."""


def theme_correct(
    *, snapshot: ReportSnapshot, author, kind: str, question_id: str, theme_id: str, into: str = "",
    answer_id: int | None = None, label: str = "",
) -> ThemeCorrection:  # fmt: skip
    """Record an official's correction of a question's themes, checked against the latest version, and
    queue the compile that applies it."""
    result = snapshot.report.themes_of(question_id)
    if result is None or not result.themes:
        raise CorrectionRefused(_("This question has no themes in the latest version of the report."))
    themes_by_id = {theme.id: theme for theme in result.themes}
    label = " ".join(label.split())[:120]
    if kind == ThemeCorrection.Kind.RENAME:
        if theme_id not in themes_by_id:
            raise CorrectionRefused(_("This theme is no longer in the report: reload the page."))
        if not label:
            raise CorrectionRefused(_("Give the theme a name."))
    elif kind == ThemeCorrection.Kind.MERGE:
        if theme_id not in themes_by_id or into not in themes_by_id:
            raise CorrectionRefused(_("Choose two themes of the report."))
        if theme_id == into:
            raise CorrectionRefused(_("A theme cannot be merged into itself."))
    elif kind == ThemeCorrection.Kind.MOVE:
        known = {a for theme in result.themes for a in theme.answer_ids} | set(result.unassigned)
        if answer_id not in known:
            raise CorrectionRefused(_("This answer is not among the analysed answers of this question."))
        if label:  # a new theme, named by the official
            theme_id = official_theme_id(label)
        elif theme_id not in themes_by_id:
            raise CorrectionRefused(_("Choose a theme, or name a new one."))
    else:
        raise CorrectionRefused(_("Unknown correction."))
    correction = ThemeCorrection.objects.create(
        consultation_id=snapshot.consultation_id,
        question_id=question_id,
        kind=kind,
        theme_id=theme_id,
        into=into if kind == ThemeCorrection.Kind.MERGE else "",
        answer_id=answer_id if kind == ThemeCorrection.Kind.MOVE else None,
        label=label,
        author=author,
    )
    transaction.on_commit(lambda: report_compile_schedule(consultation_id=snapshot.consultation_id))
    return correction


def theme_correction_undo(*, correction: ThemeCorrection) -> None:
    consultation_id = correction.consultation_id
    correction.delete()
    transaction.on_commit(lambda: report_compile_schedule(consultation_id=consultation_id))
