"""A report version as a document for officials: tables written to an XLSX workbook, an ODS spreadsheet
or a zip of CSV files, in the language the file was asked in.

The first sheet, the overview, says what the file is (consultation, version, when it was compiled), gives
the headline figures and the notes needed to read them (who took part, the small-cell rule), and lists
the other sheets. Each other sheet is one tidy table: a row per thing counted, a column per figure, the
column titles in words, statuses and kinds as their words, dates as dates, percents as numbers under a
"(%)" title, a figure kept back under the small-cell rule as words (« moins de 5 », « masqué »), lists
joined in one text. A sheet with nothing to show is left out.

Read through the report's typed format (`reports/schema.py`): a new part of the report is exported when
it is given a sheet here (docs/reports.md).
"""

from datetime import date, datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultations.blocks import QuestionsBlock
from consultations.models import Audience, Channel, Idea, ModerationPolicy
from core.spreadsheets import Table, date_formats_for, write_csv_zip, write_ods, write_xlsx
from core.templatetags.figures import number
from reports.definitions import participant_definition, participants
from reports.models import ReportExport, ReportSnapshot
from reports.schema import (
    ChoiceCrosstab,
    ChoiceQuestion,
    Crosstab,
    NumberQuestion,
    NumericCrosstab,
    RankingQuestion,
    Report,
    ScaleQuestion,
    Statements,
)
from reports.statements import absent_parts, stability_label


def report_file(snapshot: ReportSnapshot, file_format: str) -> bytes:
    """The version's file in `file_format`, in the active language."""
    tables = report_tables(snapshot)
    formats = date_formats_for(translation.get_language())
    if file_format == ReportExport.Format.XLSX:
        return write_xlsx(tables, date_formats=formats)
    if file_format == ReportExport.Format.ODS:
        return write_ods(tables, date_formats=formats)
    if file_format == ReportExport.Format.CSV:
        return write_csv_zip(tables)
    raise ValueError(file_format)


def report_tables(snapshot: ReportSnapshot) -> list[Table]:
    """The overview, then one table per part of the report that has something to show, in the active
    language."""
    report = snapshot.report
    numbers = {question.id: index for index, question in enumerate(report.questions, start=1)}
    parts: list[tuple[Table, str]] = [
        (_questions_table(report), _("Each question: its kind, how many people answered, its averages.")),
        (_choices_table(report), _("Each choice of each choice question: answers and share.")),
        (_scales_table(report), _("Each value of each scale question: answers and share.")),
        (_rankings_table(report), _("Each choice of each ranking question: mean rank, first places.")),
        (_crosstabs_table(report, numbers), _("Choice questions by group of participants.")),
        (_numeric_crosstabs_table(report), _("Mean and median of number and scale questions by group.")),
        (_tests_table(report), _("Whether the groups of participants answered differently.")),
        (_themes_table(report), _("Themes found in the written answers.")),
        (_quotes_table(report), _("Answers quoted for each theme.")),
        *_participation_tables(report),
        *_statements_tables(report.statements),
        *_ideas_tables(report),
    ]
    shown = [(table, about) for table, about in parts if table.rows]
    return [_overview(snapshot, report, shown), *(table for table, _about in shown)]


def _overview(snapshot: ReportSnapshot, report: Report, sheets: list[tuple[Table, str]]) -> Table:
    consultation, method = report.consultation, report.method
    table = Table(_("Overview"), [_("Item"), _("Value")])
    rows = table.rows
    rows.append([_("Consultation"), consultation.title if consultation else snapshot.consultation.title])
    if consultation:
        rows += [
            [_("Opens at"), _moment(consultation.opens_at)],
            [_("Closes at"), _moment(consultation.closes_at)],
        ]
    rows += [
        [_("Report version"), snapshot.version],
        [_("Compiled at"), _moment(snapshot.compiled_at)],
        [_("Participants"), participants(report)],
    ]
    if report.people:  # the total counts everyone who took part; the questionnaire's own figure too
        rows.append([_("Sent the questionnaire"), report.participants])
    rows.append([_("Open answers"), report.open_answers])
    if method:
        rows += [
            [_("Channels"), ", ".join(str(_label(Channel, channel)) for channel in method.channels)],
            [_("Who could take part"), _label(Audience, method.audience)],
            [_("Votes on statements"), method.votes],
        ]
        if method.statement_moderation:
            rows.append(
                [_("Moderation of statements"), _label(ModerationPolicy, method.statement_moderation)]
            )
        moderation = method.moderation
        rows.append(
            [
                _("Moderation"),
                _(
                    "Statements awaiting moderation: %(pending)s; hidden: %(hidden)s. Ideas hidden: "
                    "%(ideas)s. Comments hidden: %(comments)s."
                )
                % {
                    "pending": number(moderation.statements_pending),
                    "hidden": number(moderation.statements_hidden),
                    "ideas": number(moderation.ideas_hidden),
                    "comments": number(moderation.comments_hidden),
                },
            ]
        )
    if statements := report.statements:
        rows += [
            [_("Statements voted on"), statements.statements],
            [_("Voters"), statements.participants],
            [_("Voters placed in an opinion group"), statements.clustered],
            [_("Opinion groups"), len(statements.groups)],
        ]
    if report.ideas:
        rows += [[_("Ideas"), report.ideas.count], [_("Supports of ideas"), report.ideas.supports]]
    rows += [
        [_("Caveat"), _("Self-selected participants, not a survey sample.")],
        [
            _("Definitions"),
            participant_definition(report),
        ],
    ]
    small = method.small_cell if method and method.small_cell else 5
    rows.append(
        [
            _("Personal data"),
            _("Groups of fewer than %(size)s people are not shown in demographic figures.") % {"size": small}
            + " "
            + _(
                "A figure kept back under this rule reads “%(fewer)s” or “%(hidden)s” (a figure that would "
                "let it be worked out from a total)."
            )
            % {"fewer": _("fewer than 5"), "hidden": _("hidden")},
        ]
    )
    if report.crosstabs or report.themes:
        rows.append(
            [
                _("Confidence intervals and tests"),
                _(
                    "Confidence intervals and tests measure only the chance variation among these "
                    "participants; they say nothing about people who did not take part."
                ),
            ]
        )
    if report.themes:
        rows.append(
            [
                _("Themes"),
                _("Found by word frequencies, not by meaning: read the quotes before naming a theme."),
            ]
        )
    if statements:
        rows.append(
            [
                _("Opinion groups"),
                _(
                    "Method: the opinion groups of Pol.is. People with at least 7 votes are placed on a map "
                    "of opinions (principal components of the votes) and grouped (k-means, the number of "
                    "groups chosen by silhouette); a statement represents a group when the group voted on it "
                    "differently from everyone else (significant at 90 %%)."
                )
                % {},
            ]
        )
        if statements.stability:
            rows.append([_("Stability of the groups"), stability_label(statements)])
        rows += [list(absent) for absent in absent_parts(statements)]
    rows += [[_("Sheet “%(name)s”") % {"name": sheet.name}, about] for sheet, about in sheets]
    return table


# Questions --------------------------------------------------------------------------------------------------


def _questions_table(report: Report) -> Table:
    table = Table(
        _("Questions"),
        [
            _("No."),
            _("Question"),
            _("Kind"),
            _("Respondents"),
            _("Written answers"),
            _("Mean"),
            _("Median"),
            _("Lowest"),
            _("Highest"),
        ],
    )
    for index, question in enumerate(report.questions, start=1):
        averages = [None] * 4
        if isinstance(question, ScaleQuestion | NumberQuestion):
            averages[:2] = [question.mean, question.median]
        if isinstance(question, NumberQuestion):
            averages[2:] = [question.min, question.max]
        table.rows.append(
            [
                index,
                question.label,
                _kind(question.kind),
                question.respondents,
                question.written_answers,
                *averages,
            ]
        )
    return table


def _choices_table(report: Report) -> Table:
    table = Table(
        _("Answers to choice questions"),
        [
            _("No."),
            _("Question"),
            _("Choice"),
            _("Answers"),
            _("Share (%)"),
            _("Low end of the 95-percent interval (%)"),
            _("High end of the 95-percent interval (%)"),
        ],
    )
    for index, question in enumerate(report.questions, start=1):
        if not isinstance(question, ChoiceQuestion):
            continue
        for choice in question.choices:
            if choice.suppressed:
                figures = [_("fewer than 5"), _("hidden"), _("hidden"), _("hidden")]
            else:
                figures = [choice.count, choice.percent, choice.ci_low, choice.ci_high]
            table.rows.append([index, question.label, choice.label, *figures])
    return table


def _scales_table(report: Report) -> Table:
    table = Table(
        _("Answers to scale questions"), [_("No."), _("Question"), _("Value"), _("Answers"), _("Share (%)")]
    )
    for index, question in enumerate(report.questions, start=1):
        if isinstance(question, ScaleQuestion):
            table.rows += [
                [index, question.label, row.value, row.count, row.percent] for row in question.distribution
            ]
    return table


def _rankings_table(report: Report) -> Table:
    table = Table(
        _("Rankings"),
        [_("No."), _("Question"), _("Choice"), _("Mean rank"), _("Ranked first"), _("Borda score")],
    )
    for index, question in enumerate(report.questions, start=1):
        if isinstance(question, RankingQuestion):
            table.rows += [
                [index, question.label, row.label, row.mean_rank, row.first, row.borda]
                for row in question.ranking
            ]
    return table


# Cross-tables ---------------------------------------------------------------------------------------------


def _crosstabs_table(report: Report, numbers: dict[str, int]) -> Table:
    table = Table(
        _("Cross-tabulations"),
        [
            _("No."),
            _("Question"),
            _("Compared by"),
            _("Group"),
            _("People in the group"),
            _("Answer"),
            _("Answers"),
            _("Share of the group (%)"),
        ],
    )
    for crosstab in report.crosstabs:
        if not isinstance(crosstab, ChoiceCrosstab):
            continue
        question = _crosstab_question(crosstab)
        for row in crosstab.rows:
            people = _("fewer than 5") if row.total is None else row.total
            for choice, cell in zip(crosstab.choices, row.cells, strict=False):
                figures = [_("hidden"), _("hidden")] if cell.suppressed else [cell.count, cell.percent]
                table.rows.append(
                    [
                        numbers.get(crosstab.question_id.split(":")[0]),
                        question,
                        _grouping(crosstab),
                        _group(row.key, row.label),
                        people,
                        choice.label,
                        *figures,
                    ]
                )
    return table


def _numeric_crosstabs_table(report: Report) -> Table:
    table = Table(
        _("Cross-tabulations (means)"),
        [_("Question"), _("Compared by"), _("Group"), _("People in the group"), _("Mean"), _("Median")],
    )
    for crosstab in report.crosstabs:
        if not isinstance(crosstab, NumericCrosstab):
            continue
        for row in crosstab.rows:
            if row.total is None:
                people = _("fewer than 5") if row.small else _("hidden")
                figures = [_("hidden"), _("hidden")]
            else:
                people, figures = row.total, [row.mean, row.median]
            table.rows.append(
                [crosstab.question_label, _grouping(crosstab), _group(row.key, row.label), people, *figures]
            )
    return table


def _tests_table(report: Report) -> Table:
    table = Table(
        _("Statistical tests"),
        [
            _("Question"),
            _("Compared by"),
            _("Groups compared"),
            _("Test"),
            _("Statistic"),
            _("Degrees of freedom"),
            _("People compared"),
            _("p-value adjusted for the report’s tests (Holm)"),
            _("Reading"),
        ],
    )
    for crosstab in report.crosstabs:
        test = crosstab.test
        start = [_crosstab_question(crosstab), _grouping(crosstab), crosstab.groups_compared]
        if test is None:
            if crosstab.skipped:
                reason = str(SKIPPED.get(crosstab.skipped, crosstab.skipped))
                table.rows.append([*start, _("No test"), None, None, None, None, reason])
            continue
        if test.method == "kruskal_wallis":
            name = _("Kruskal–Wallis test")
            reading = (
                _(
                    "The values tend to be higher in some of these groups of participants than chance alone "
                    "would explain."
                )
                if test.significant
                else _("No difference between these groups beyond what chance alone could produce.")
            )
        else:
            name = _("Chi-square test of independence")
            reading = (
                _(
                    "The answers differ between these groups of participants more than chance alone would "
                    "explain."
                )
                if test.significant
                else _("No difference between these groups beyond what chance alone could produce.")
            )
        table.rows.append([*start, name, test.statistic, test.dof, test.people, test.p_adjusted, reading])
    return table


# Why a cross-table has no test, in the words of the report page (includes/crosstab.html).
SKIPPED = {
    "expected_below_5": gettext_lazy(
        "No chi-square test: some groups are too small for it (an expected count is under 5), so it could "
        "not be trusted."
    ),
    "too_few_groups": gettext_lazy(
        "No comparison: fewer than two groups have at least 5 people who answered."
    ),
    "no_variation": gettext_lazy("No comparison: everyone compared gave the same value."),
    "too_few_choices": gettext_lazy("No comparison: everyone compared gave the same answer."),
}


def _crosstab_question(crosstab: Crosstab) -> str:
    if crosstab.kind == "first_choice":
        return f"{crosstab.question_label} — {_('the choice each person ranked first')}"
    return crosstab.question_label


def _grouping(crosstab: Crosstab) -> str:
    if crosstab.grouping == "territory":
        return _("Département of residence")
    return _("Answer to “%(label)s”") % {"label": crosstab.grouping_label}


def _group(key: str, label: str | None) -> str:
    if key == "_pooled":
        return _("Groups of fewer than 5 people, together")
    if key == "_unknown":
        return _("Not stated")
    return label or key


# Themes of written answers ----------------------------------------------------------------------------------


def _themes_table(report: Report) -> Table:
    table = Table(
        _("Themes"),
        [
            _("Question"),
            _("Theme"),
            _("Keywords"),
            _("Answers"),
            _("Share of the analysed answers (%)"),
            _("Merged by officials with"),
        ],
    )
    for result in report.themes:
        for theme in result.themes:
            keywords = ", ".join(theme.keywords)
            merged = " ; ".join(theme.merged or [])
            table.rows.append(
                [
                    result.question_label,
                    theme.label or keywords,
                    keywords,
                    theme.count,
                    theme.share,
                    merged or None,
                ]
            )
    return table


def _quotes_table(report: Report) -> Table:
    table = Table(_("Quotes"), [_("Question"), _("Theme"), _("Quote")])
    for result in report.themes:
        for theme in result.themes:
            name = theme.label or ", ".join(theme.keywords)
            seen = set()
            for quote in theme.quotes:
                if quote.text in seen:  # the same sentence written twice is quoted once
                    continue
                seen.add(quote.text)
                table.rows.append([result.question_label, name, quote.text])
    return table


# Participation ----------------------------------------------------------------------------------------------


def _participation_tables(report: Report) -> list[tuple[Table, str]]:
    participation = report.participation
    if participation is None:
        return []
    timeline = Table(_("Participation by day"), [_("Day"), _("Responses"), _("Responses so far")])
    timeline.rows = [[_day(row.day), row.responses, row.total] for row in participation.timeline]
    channels = Table(
        _("Contributions by channel"), [_("Channel"), _("Responses"), _("Statements"), _("Votes")]
    )
    if counts := participation.channels:
        used = dict.fromkeys([*counts.responses, *counts.statements, *counts.votes])
        channels.rows = [
            [
                _label(Channel, channel),
                counts.responses.get(channel, 0),
                counts.statements.get(channel, 0),
                counts.votes.get(channel, 0),
            ]
            for channel in used
        ]
    territories = Table(_("Participants by département"), [_("Code"), _("Département"), _("Participants")])
    for row in participation.territories or []:
        if row.small:
            place = [None, _("Départements of fewer than 5 participants each, together")]
        elif row.unknown:
            place = [None, _("Not stated")]
        else:
            place = [row.code, row.name]
        territories.rows.append([*place, row.participants])
    votes = Table(_("Votes per participant"), [_("Votes cast"), _("People")])
    votes.rows = [[bucket.label, bucket.participants] for bucket in participation.votes.distribution]
    return [
        (timeline, _("Responses sent each day, and in all up to that day.")),
        (channels, _("Contributions by the way they reached the platform.")),
        (territories, _("Participants by the département they live in.")),
        (votes, _("How many people cast how many votes on statements.")),
    ]


# Statements and opinion groups ------------------------------------------------------------------------------


def _statements_tables(section: Statements | None) -> list[tuple[Table, str]]:
    if section is None:
        return []
    majority = Table(
        _("Majority opinions"),
        [_("Statement"), _("Majority"), _("Share of the voters (%)"), _("Agree"), _("Disagree"), _("Voters")],
    )
    for side, rows in ((_("Agree"), section.majority_agree), (_("Disagree"), section.majority_disagree)):
        for row in rows:
            share = row.agree_percent if rows is section.majority_agree else row.disagree_percent
            majority.rows.append([row.text, side, share, row.agrees, row.disagrees, row.seen])
    groups = Table(
        _("Opinion groups"),
        [
            _("Group"),
            _("People"),
            _("Statement that sets it apart"),
            _("The group’s vote"),
            _("This group (%)"),
            _("Everyone else (%)"),
        ],
    )
    for group in section.groups:
        name = _("Group %(number)s") % {"number": group.id}
        if not group.representatives:
            groups.rows.append([name, group.size, None, None, None, None])
        for row in group.representatives:
            vote = _("Agree") if row.direction == "agree" else _("Disagree")
            groups.rows.append([name, group.size, row.text, vote, row.percent, row.rest_percent])
    consensus = Table(_("Agreed across groups"), [_("Statement"), _("Consensus score")])
    consensus.rows = [[row.text, row.score] for row in section.consensus]
    divisive = Table(
        _("Divisive statements"),
        [
            _("Statement"),
            _("Gap between the groups (points)"),
            *(_("Group %(number)s agrees (%%)") % {"number": group.id} for group in section.groups),
        ],
    )
    divisive.rows = [[row.text, row.gap, *row.groups] for row in section.divisive or []]
    uncertain = Table(_("Uncertain statements"), [_("Statement"), _("Passed (%)"), _("Passes")])
    uncertain.rows = [[row.text, row.pass_percent, row.passes] for row in section.uncertain]
    return [
        (majority, _("Statements most voters agreed, or disagreed, with.")),
        (groups, _("The opinion groups and the statements each voted on differently from everyone else.")),
        (consensus, _("Statements the groups agree on.")),
        (divisive, _("Statements the groups split on, with each group’s agreement.")),
        (uncertain, _("Statements often passed.")),
    ]


# Ideas ------------------------------------------------------------------------------------------------------


def _ideas_tables(report: Report) -> list[tuple[Table, str]]:
    ideas = report.ideas
    if ideas is None:
        return []
    top = Table(_("Most supported ideas"), [_("Idea"), _("Supports"), _("Status")])
    top.rows = [[idea.title, idea.supports, _label(Idea.Status, idea.status)] for idea in ideas.top]
    close = Table(_("Similar ideas"), [_("Group"), _("Idea"), _("Supports")])
    for number_, group in enumerate(ideas.duplicates, start=1):
        close.rows += [[number_, idea.title, idea.supports] for idea in group.ideas]
    return [
        (top, _("The most supported ideas and what became of them.")),
        (close, _("Ideas worded nearly alike, which moderators may merge.")),
    ]


# Values as words --------------------------------------------------------------------------------------------


def _label(choices, value: str) -> str:
    """A stored code (a status, a channel) as the word its model's choices give it."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _kind(kind: str) -> str:
    block = QuestionsBlock.base_blocks.get(kind)
    return str(block.meta.label) if block is not None else kind


def _moment(value: str | datetime | None) -> datetime | str | None:
    """A stored moment (ISO 8601) as a datetime in the platform's time zone, without the zone (spreadsheets
    hold none), to the minute."""
    if not value:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None, second=0, microsecond=0)


def _day(value: str) -> date | str:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return value
