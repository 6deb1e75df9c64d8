"""The report pages officials read, inside the Wagtail admin (one back office for staff)."""

from datetime import date

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from consultations import permissions
from consultations.models import Audience, Channel, ConsultationPage, Idea
from consultations.sections import sections_open_to
from core.templatetags import figures
from core.typography import written_date
from reports import loaders, selectors, services
from reports.analysis.participation import KINDS
from reports.definitions import participant_definition
from reports.highlights import channel_lines, report_highlights
from reports.models import ReportCompileState, ReportExport, ThemeCorrection
from reports.schema import DIVISIVE_RULE_BEFORE_STORED, Report, Statements
from reports.statements import absent_parts, stability_label


def _consultation_for(request, consultation_id: int, action: str) -> ConsultationPage:
    consultation = get_object_or_404(
        ConsultationPage.objects.select_related("organisation"), pk=consultation_id
    )
    if not permissions.can(request.user, action, consultation):
        raise PermissionDenied
    return consultation


def report_index(request):
    """The consultations whose reports this official may read, with their latest version."""
    consultations = selectors.with_latest_report(permissions.reportable_consultations(request.user))
    # Where they may launch a consultation: their organisations' sections.
    context = {"consultations": consultations, "sections": sections_open_to(request.user)}
    return TemplateResponse(request, "feedback/report_index.html", context)


def report_detail(request, consultation_id: int):
    """A consultation's report: the latest version, or the one asked for with ?version=N."""
    consultation = _consultation_for(request, consultation_id, "view_report")
    requested = request.GET.get("version")
    snapshot = None
    if requested is not None and requested.isascii() and requested.isdigit():
        snapshot = selectors.report_version(consultation_id=consultation.pk, version=int(requested))
        if snapshot is None:
            raise Http404(_("This report version does not exist."))
    context = _detail_context(request, consultation, snapshot=snapshot)
    if requested is not None and snapshot is None:
        context["error"] = _("Unknown report version: give its number, as listed below.")
        return TemplateResponse(request, "feedback/report_detail.html", context, status=400)
    return TemplateResponse(request, "feedback/report_detail.html", context)


def _report_context(request, snapshot) -> dict:
    """What the report page shows of a version, in the reader's language."""
    report = snapshot.report
    statuses = dict(Idea.Status.choices)
    timeline = report.participation.timeline if report.participation else []
    return {
        "report": report,
        "highlights": report_highlights(report),
        "downloads": (downloads := _downloads(request, snapshot)),
        "downloads_preparing": any(download["preparing"] for download in downloads),
        # Each question with its cross-tables (its own, and one per choice for a multiple choice) and the
        # themes of its written answers: looked up once each, not by scanning every list per question.
        "questions": _questions(report),
        "top_ideas": [(idea, statuses.get(idea.status, idea.status)) for idea in report.ideas.top]
        if report.ideas
        else [],
        # Days as the reader writes dates ("7 décembre 2026"; the chart's axis shorter: "07/12/2026").
        "timeline_rows": [(_day(row.day, "DATE_FORMAT"), row) for row in timeline],
        "timeline_chart": _bar_chart(
            [(_day(row.day, "SHORT_DATE_FORMAT"), row.responses) for row in timeline]
        ),
        "timeline_days": len(timeline),
        **_statements_context(report.statements),
        **_channels_context(report),
        "people": _people_context(report),
        "channel_audiences": _audiences_context(report),
    }


def _day(day: str, style: str) -> str:
    """A stored ISO day ("2026-12-07") written in the reader's language; as stored if it is not one."""
    try:
        return written_date(date.fromisoformat(day), style)
    except ValueError:
        return day


def _questions(report: Report) -> list[tuple]:
    """(question, its cross-tables, its themes or None) for each question of the version."""
    crosstabs: dict[str, list] = {}
    for table in report.crosstabs:
        crosstabs.setdefault(table.question_id.split(":", 1)[0], []).append(table)
    themes = {result.question_id: result for result in report.themes}
    return [
        (question, crosstabs.get(question.id, []), themes.get(question.id)) for question in report.questions
    ]


# The kinds of contribution a person is counted for, as the report page's columns say them.
PEOPLE_KINDS = {
    "respondents": gettext_lazy("Answered the questionnaire"),
    "voters": gettext_lazy("Voted on statements"),
    "statement_authors": gettext_lazy("Proposed statements"),
    "idea_authors": gettext_lazy("Proposed ideas"),
    "supporters": gettext_lazy("Supported ideas"),
    "commenters": gettext_lazy("Commented"),
}


def _people_context(report: Report) -> dict:
    """Everyone who took part, for the headline: `total` (each person once, however many ways they took
    part), `definition` (what a participant is, as the version counted them), `counted` (False for a
    version compiled before everyone was counted: `total` is then the people who sent the questionnaire,
    and there are no rows), `kinds` (the kinds of contribution the
    consultation had, as (key, label)), `rows` (one per channel: `channel`, `label`, `people`, `counts`
    aligned with `kinds`) and `everyone` (the same for all channels together)."""
    definition = participant_definition(report)
    if report.people is None:
        return {
            "total": report.participants,
            "counted": False,
            "definition": definition,
            "kinds": [],
            "rows": [],
            "everyone": None,
        }
    labels = dict(Channel.choices)
    total = report.people.total
    kinds = [(kind, str(PEOPLE_KINDS[kind])) for kind in KINDS if getattr(total, kind)]

    def row(counts) -> dict:
        return {
            "channel": counts.channel,
            "label": str(labels.get(counts.channel, counts.channel)),
            "people": counts.people,
            "counts": [getattr(counts, kind) for kind, _label in kinds],
        }

    return {
        "total": total.people,
        "counted": True,
        "definition": definition,
        "kinds": kinds,
        "rows": [row(counts) for counts in report.people.channels],
        "everyone": row(total),
    }


# Who could take part through each channel that is not online (online: the consultation's audience).
CHANNEL_AUDIENCES = {
    Channel.PAPER: gettext_lazy("people given a paper form by the organisers; an agent typed each form in"),
    Channel.POLIS: gettext_lazy(
        "whoever took part in the Pol.is conversation, on Pol.is and under its rules, not this "
        "platform’s; its statements and votes were imported from its export, each participant known only "
        "by a number"
    ),
}


def _audiences_context(report: Report) -> list[dict]:
    """Who could take part, channel by channel (`label`, `audience`), in the reader's language. A
    version compiled before each channel's audience was stated has one row: the consultation's own."""
    method = report.method
    if method is None:
        return []
    audiences = dict(Audience.choices)
    labels = dict(Channel.choices)
    if method.audiences is None:
        return [{"label": "", "audience": str(audiences.get(method.audience, method.audience))}]
    rows = []
    for item in method.audiences:
        if item.channel in CHANNEL_AUDIENCES:
            audience = CHANNEL_AUDIENCES[item.channel]
        elif item.audience == Audience.TERRITORY and item.territory:
            audience = _("residents of %(territory)s") % {"territory": item.territory}
        else:
            audience = audiences.get(item.audience, item.audience)
        rows.append({"label": str(labels.get(item.channel, item.channel)), "audience": str(audience)})
    return rows


def _channels_context(report: Report) -> dict:
    """The channels of the method card, and the contributions by channel, in the reader's language.
    Versions compiled before channels were counted say "online" and have no table."""
    labels = dict(Channel.choices)
    channels = (report.method.channels if report.method else []) or [Channel.ONLINE.value]
    return {
        "channel_labels": [labels.get(channel, channel) for channel in channels],
        "channel_rows": channel_lines(report),
    }


def _statements_context(section: Statements | None) -> dict:
    """What the statements part of the report page needs in the reader's language."""
    if section is None:
        return {}
    agree, disagree = _("Agree"), _("Disagree")
    consensus = section.agreed()
    return {
        # Agreed across groups: the statements, the rule of that version (None before there was one),
        # and whether to say that none qualifies.
        "consensus_statements": consensus,
        "consensus_rule": _consensus_rule(section),
        "no_consensus": bool(section.groups and section.consensus_rule and not consensus),
        "divisive_rule": _divisive_rule(section),
        "no_divisive": bool(section.groups and section.divisive is not None and not section.divisive),
        "absent_reasons": absent_parts(section),
        "stability_label": stability_label(section),
        "majority_tables": [
            (_("Most agreed with"), section.majority_agree, agree),
            (_("Most disagreed with"), section.majority_disagree, disagree),
        ],
        "agree_column": agree,
    }


def _consensus_rule(section: Statements) -> str:
    """What "agreed across groups" means in this version, in words; "" before it had a rule."""
    rule = section.consensus_rule
    if rule is None:
        return ""
    return _(
        "Agreed across groups: in every opinion group, at least %(percent)s of the members who voted on the "
        "statement agreed, with at least %(votes)s of them voting on it; ranked by group-informed consensus "
        "(the product of each group’s agree share, as in Pol.is), at most five."
    ) % {"percent": figures.percent(rule.min_agree_percent, 0), "votes": rule.min_votes}


def _divisive_rule(section: Statements) -> str:
    """What "divisive" meant in this version, in words."""
    rule = section.divisive_rule or DIVISIVE_RULE_BEFORE_STORED
    return _(
        "Divisive: the groups’ agree shares differ by at least %(gap)s points, each group having voted on "
        "the statement at least %(votes)s times; the five widest gaps. A statement agreed across groups is "
        "never listed as divisive."
    ) % {"gap": rule.min_gap_points, "votes": rule.min_votes}


# The drawing area of a chart, in SVG units: the axes' labels sit in the margins.
CHART = {"width": 640, "height": 220, "left": 48, "right": 628, "top": 12, "bottom": 184}
# Fewer points than this draw as a shape that says nothing (one day is a rectangle): a sentence says it.
CHART_MIN_POINTS = 3


def _bar_chart(points: list[tuple[str, int]]) -> dict | None:
    """A bar chart of (label, value) pairs with its axes, in SVG units; None when there are too few points
    for a chart to mean anything."""
    if len(points) < CHART_MIN_POINTS:
        return None
    left, right, top, bottom = CHART["left"], CHART["right"], CHART["top"], CHART["bottom"]
    highest = max(value for _label, value in points) or 1
    step = (right - left) / len(points)
    width = max(1.0, step * 0.7)

    def y(value):
        return round(bottom - (bottom - top) * value / highest, 1)

    bars = [
        {
            "label": label,
            "value": value,
            "x": round(left + step * index + (step - width) / 2, 1),
            "y": y(value),
            "width": round(width, 1),
            "height": round(bottom - y(value), 1),
        }
        for index, (label, value) in enumerate(points)
    ]
    ticks = sorted({0, highest // 2, highest}) if highest > 1 else [0, 1]
    # First, middle and last labels under the bars: all of them would overlap.
    shown = sorted({0, len(points) // 2, len(points) - 1})
    return {
        **CHART,
        "bars": bars,
        "y_ticks": [{"value": tick, "y": y(tick)} for tick in ticks],
        "x_labels": [{"label": bars[i]["label"], "x": round(bars[i]["x"] + width / 2, 1)} for i in shown],
        "points": len(points),
    }


def _detail_context(request, consultation, *, snapshot=None) -> dict:
    """The report page's context, for `snapshot` or else the latest version."""
    snapshot = snapshot or selectors.report_latest(consultation_id=consultation.pk)
    return {
        "consultation": consultation,
        "versions": list(selectors.report_versions(consultation_id=consultation.pk)),
        "state": (state := services.report_compile_state(consultation_id=consultation.pk)),
        "failure": compile_failure_reason(state),
        "current_responses": loaders.response_watermark(consultation.pk)[0],
        "can_compile": permissions.can(request.user, "compile_report", consultation),
        "snapshot": snapshot,
        "can_correct": permissions.can(request.user, "compile_report", consultation),
        "corrections": ThemeCorrection.objects.filter(consultation=consultation).select_related("author"),
        **(_report_context(request, snapshot) if snapshot else {}),
    }


# Said when a file asked for could not be built (`services.report_export_failed`).
EXPORT_FAILED = gettext_lazy("The file could not be prepared: ask for it again.")


def _downloads(request, snapshot) -> list[dict]:
    """Each format, with a signed link when its file is already built, in the reader's language. A file
    just asked for (`?preparing=<format>`, where asking redirects) is shown as being prepared, with a
    link to check again and the address the page's script polls (`report_export_status`), or, when its
    building failed, as failed, to be asked for again."""
    language = translation.get_language()
    built = {
        export.format: export for export in selectors.report_exports(snapshot=snapshot, language=language)
    }
    asked = set(request.GET.getlist("preparing")) & set(ReportExport.Format.values) - set(built)
    failed = {
        value
        for value in asked
        if services.report_export_failed(snapshot=snapshot, file_format=value, language=language)
    }
    downloads = []
    for value, label in ReportExport.Format.choices:
        query = urlencode({"version": snapshot.version, "preparing": value})
        downloads.append(
            {
                "format": value,
                "label": label,
                "link": _download_link(request, built[value]) if value in built else None,
                "preparing": value in asked - failed,
                "failed": value in failed,
                "check_url": f"{reverse('feedback_report_detail', args=[snapshot.consultation_id])}?{query}",
                "status_url": reverse("feedback_report_export_status", args=[snapshot.consultation_id, value])
                + f"?version={snapshot.version}",
            }
        )
    return downloads


def _download_link(request, export: ReportExport) -> str:
    return reverse(
        "feedback_report_download", args=[services.report_download_token(export=export, user=request.user)]
    )


# What failed, in words an official reads, by the kind of error a compile stopped on.
FAILURE_REASONS = {
    "OperationalError": gettext_lazy("the database could not be reached"),
    "InterfaceError": gettext_lazy("the database could not be reached"),
    "SoftTimeLimitExceeded": gettext_lazy("it took too long"),
    "TimeLimitExceeded": gettext_lazy("it took too long"),
    "MemoryError": gettext_lazy("the server ran out of memory"),
    "WorkerLostError": gettext_lazy("the process computing it stopped"),
}


def compile_failure_reason(state: ReportCompileState | None) -> str:
    """Why the last compile failed, in words, when it failed and none is running since; else ""."""
    if state is None or not state.last_error or state.running:
        return ""
    if reason := FAILURE_REASONS.get(state.last_error):
        return str(reason)
    return _("an error in the analysis (%(kind)s)") % {"kind": state.last_error}


def report_status(request, consultation_id: int):
    """Where the compile stands, as JSON, for the progress bar of the report page. While a compile waits
    for a worker there is no progress to show (`progress` is null), and a failure is said in words."""
    consultation = _consultation_for(request, consultation_id, "view_report")
    state = services.report_compile_state(consultation_id=consultation.pk)
    latest = selectors.report_latest(consultation_id=consultation.pk)
    running = bool(state and state.running)
    stage = (state.stage or ReportCompileState.Stage.QUEUED) if running else ""
    if running:
        progress = state.progress if state.stage else None
    else:
        progress = None if state and state.last_error else 100
    return JsonResponse(
        {
            "running": running,
            "stage": str(ReportCompileState.Stage(stage).label) if stage else "",
            "progress": progress,
            "failed": compile_failure_reason(state),
            "version": latest.version if latest else None,
        }
    )


@require_POST
def report_compile_request(request, consultation_id: int):
    """An official asks for a fresh compile; it runs in the background."""
    consultation = _consultation_for(request, consultation_id, "compile_report")
    if latest := services.report_up_to_date(consultation_id=consultation.pk):
        messages.info(
            request,
            _("The report is up to date: version %(version)s covers every response.")
            % {"version": latest.version},
        )
    elif services.report_compile_schedule(consultation_id=consultation.pk):
        messages.success(request, _("The report is being compiled. Reload this page in a moment."))
    else:
        messages.info(request, _("A compile is already queued. Reload this page in a moment."))
    return redirect("feedback_report_detail", consultation_id=consultation.pk)


def _snapshot_asked(consultation, version: str):
    if not (version.isascii() and version.isdigit()):
        return None
    return selectors.report_version(consultation_id=consultation.pk, version=int(version))


def _export_refusal(file_format: str, snapshot) -> str:
    """Why a file cannot be asked for, in words; "" when it can."""
    if file_format not in ReportExport.Format.values:
        return _("Unknown file format: choose one of %(formats)s.") % {
            "formats": ", ".join(str(label) for label in ReportExport.Format.labels)
        }
    if snapshot is None:
        return _("This report version does not exist for this consultation: choose one listed on the report.")
    return ""


@require_POST
def report_export_request(request, consultation_id: int, file_format: str):
    """Download a report version as a file: at once if it is built, else built in the background while
    the report page follows it (`report_export_status`)."""
    consultation = _consultation_for(request, consultation_id, "view_report")
    snapshot = _snapshot_asked(consultation, request.POST.get("version", ""))
    if refusal := _export_refusal(file_format, snapshot):
        messages.error(request, refusal)
        return TemplateResponse(
            request, "feedback/report_detail.html", _detail_context(request, consultation), status=400
        )
    language = translation.get_language()
    export = selectors.report_export(snapshot=snapshot, file_format=file_format, language=language)
    if export is not None:
        return redirect(_download_link(request, export))
    if not services.report_export_schedule(snapshot=snapshot, file_format=file_format, language=language):
        messages.error(
            request, _("The file cannot be prepared right now. Please try again in a few minutes.")
        )
        return redirect(
            f"{reverse('feedback_report_detail', args=[consultation.pk])}?version={snapshot.version}"
        )
    messages.success(request, _("The file is being prepared: its link appears below as soon as it is ready."))
    query = urlencode({"version": snapshot.version, "preparing": file_format})
    return redirect(f"{reverse('feedback_report_detail', args=[consultation.pk])}?{query}#downloads-title")


def report_export_status(request, consultation_id: int, file_format: str):
    """Whether a version's file asked for is built yet, as JSON, for the report page's downloads: when it
    is, the signed link to it and what to say to the official."""
    consultation = _consultation_for(request, consultation_id, "view_report")
    snapshot = _snapshot_asked(consultation, request.GET.get("version", ""))
    if refusal := _export_refusal(file_format, snapshot):
        return JsonResponse({"ready": False, "error": refusal}, status=400)
    export = selectors.report_export(
        snapshot=snapshot, file_format=file_format, language=translation.get_language()
    )
    if export is None:
        if services.report_export_failed(
            snapshot=snapshot, file_format=file_format, language=translation.get_language()
        ):
            return JsonResponse({"ready": False, "failed": True, "message": str(EXPORT_FAILED)})
        return JsonResponse({"ready": False, "link": None, "message": _("The file is being prepared.")})
    label = ReportExport.Format(file_format).label
    return JsonResponse(
        {
            "ready": True,
            "link": _download_link(request, export),
            "label": _("Download: %(label)s") % {"label": label},
            "message": _("The file is ready: %(label)s.") % {"label": label},
        }
    )


def report_download(request, token: str):
    """The file behind a signed link: for the person it was made for, for ten minutes, while they may
    still read the report."""
    try:
        export = services.report_download_read(token, user=request.user)
    except signing.SignatureExpired:
        messages.error(request, _("This download link has expired: download the file again from the report."))
        return TemplateResponse(request, "feedback/report_download_refused.html", status=410)
    if export is None or not permissions.can(request.user, "view_report", export.snapshot.consultation):
        raise Http404
    name = f"{slugify(export.snapshot.consultation.title)}-v{export.snapshot.version}.{export.suffix}"
    return FileResponse(
        export.file.open("rb"), as_attachment=True, filename=name, content_type=export.content_type
    )


ANSWERS_PER_PAGE = 50


def report_answers(request, consultation_id: int):
    """The written answers behind a figure of a report version: a theme's answers, or every written
    answer to a question. Texts only: nothing says who wrote them."""
    consultation = _consultation_for(request, consultation_id, "view_report")
    version, question_id, theme_id = (request.GET.get(key, "") for key in ("version", "question", "theme"))
    if not (version.isascii() and version.isdigit()) or not question_id:
        messages.error(request, _("Open the answers from a report: a version and a question are needed."))
        return redirect("feedback_report_detail", consultation_id=consultation.pk)
    snapshot = selectors.report_version(consultation_id=consultation.pk, version=int(version))
    question = snapshot.report.question(question_id) if snapshot else None
    if question is None:
        raise Http404(_("This question is not in this report version."))
    result = snapshot.report.themes_of(question_id)
    themes = result.themes if result else []
    theme = None
    if theme_id:
        theme = next((t for t in themes if t.id == theme_id), None)
        if theme is None:
            raise Http404(_("This theme is not in this report version."))
    answers = selectors.written_answers(
        consultation_id=consultation.pk, question_id=question_id, ids=theme.answer_ids if theme else None
    )
    latest_id = selectors.report_latest_id(consultation_id=consultation.pk)
    page_obj = Paginator(answers, ANSWERS_PER_PAGE).get_page(request.GET.get("page"))
    # Answers are moved between the themes of the latest version only (corrections are checked on it);
    # each answer of the page is told its theme there, looked up once per page, not per answer and theme.
    movable = themes if latest_id == snapshot.pk else []
    shown = {answer.pk for answer in page_obj}
    theme_of = {pk: other.id for other in movable for pk in other.answer_ids if pk in shown}
    for answer in page_obj:
        answer.current_theme = theme_of.get(answer.pk)
    context = {
        "consultation": consultation,
        "snapshot": snapshot,
        "question": question,
        "theme": theme,
        "theme_name": (theme.label or ", ".join(theme.keywords)) if theme else "",
        "themes": movable,
        "can_correct": permissions.can(request.user, "compile_report", consultation),
        "page_obj": page_obj,
    }
    return TemplateResponse(request, "feedback/report_answers.html", context)


@require_POST
def theme_correct(request, consultation_id: int):
    """An official renames or merges a theme, or moves an answer to another theme (or a new one)."""
    consultation = _consultation_for(request, consultation_id, "compile_report")
    snapshot = selectors.report_latest(consultation_id=consultation.pk)
    answer = request.POST.get("answer", "")
    try:
        if snapshot is None:
            raise services.CorrectionRefused(_("There is no report to correct yet."))
        services.theme_correct(
            snapshot=snapshot,
            author=request.user,
            kind=request.POST.get("kind", ""),
            question_id=request.POST.get("question", ""),
            theme_id=request.POST.get("theme", ""),
            into=request.POST.get("into", ""),
            answer_id=int(answer) if answer.isascii() and answer.isdigit() else None,
            label=request.POST.get("label", ""),
        )
    except services.CorrectionRefused as refused:
        messages.error(request, str(refused))
        context = _detail_context(request, consultation)
        return TemplateResponse(request, "feedback/report_detail.html", context, status=400)
    messages.success(request, _("Your correction is saved: the report is being compiled again with it."))
    return redirect("feedback_report_detail", consultation_id=consultation.pk)


@require_POST
def theme_correction_undo(request, consultation_id: int, correction_id: int):
    consultation = _consultation_for(request, consultation_id, "compile_report")
    correction = get_object_or_404(ThemeCorrection, pk=correction_id, consultation=consultation)
    services.theme_correction_undo(correction=correction)
    messages.success(request, _("The correction is undone: the report is being compiled again without it."))
    return redirect("feedback_report_detail", consultation_id=consultation.pk)
