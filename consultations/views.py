from allauth.core.ratelimit import consume_or_429
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from wagtail import hooks

from consultations import permissions, selectors
from consultations.confirmations import confirm_and_return, confirmation_take
from consultations.forms import CommentForm, IdeaForm, ReportForm, ResponseForm, StatementForm
from consultations.models import (
    Comment,
    ConsultationPage,
    Idea,
    Phase,
    Response,
    Stance,
    Statement,
    Support,
    Visibility,
)
from consultations.services import comments
from consultations.services.follows import follow_set
from consultations.services.ideas import idea_submit, idea_support_set
from consultations.services.moderation import report_submit
from consultations.services.refusals import AlreadyReported, ResponseRefused
from consultations.services.responses import response_submit
from consultations.services.statements import statement_submit, vote_cast
from consultations.summary import consultation_figures, questionnaire_minutes
from core.page_cache import page_cache_allow
from core.permissions import MERGED, NOT_IN_AUDIENCE, SIGN_IN


def _statements_context(request, consultation: ConsultationPage, previewing: bool) -> dict:
    if not consultation.statements_enabled or previewing or not request.user.is_authenticated:
        return {}
    deck = selectors.statement_deck(consultation=consultation, participant=request.user)
    return {
        "next_statement": deck.next_statement,
        "statements_voted": deck.voted,
        "statements_total": deck.total,
        "can_vote": consultation.phase() == Phase.OPEN
        and permissions.in_audience(request.user, consultation),
        "can_submit_statement": permissions.can(request.user, "submit_statement", consultation),
    }


# A hook of ours: what the layers above show on a closed consultation's page, which this layer does not
# know (cms: the map of opinions of its latest outcome page). Each function registered under it is
# called with `request` and `consultation` and gives None or a panel: {"template": name, "context": {…}},
# included at the end of the page's "what came out of it" part.
CLOSED_PANELS_HOOK = "closed_consultation_panels"


def _closed_panels(request, consultation: ConsultationPage) -> list[dict]:
    panels = (
        hook(request=request, consultation=consultation) for hook in hooks.get_hooks(CLOSED_PANELS_HOOK)
    )
    return [panel for panel in panels if panel]


def _closed_context(request, consultation: ConsultationPage, previewing: bool) -> dict:
    """Once closed, the page invites to nothing: it links to the statements and ideas there are (none,
    no section), says the answers are no longer linked to anyone once that date is past, and shows what
    the layers above add (`CLOSED_PANELS_HOOK`)."""
    if consultation.phase() != Phase.CLOSED:
        return {"anonymised": False}
    return {
        "closed_panels": [] if previewing else _closed_panels(request, consultation),
        "anonymised": consultation.anonymised_on <= timezone.now(),
        "closed_statements": consultation.statements_enabled
        and not previewing
        and Statement.objects.published().filter(consultation=consultation).exists(),
        "closed_ideas": consultation.ideas_enabled
        and not previewing
        and Idea.objects.filter(consultation=consultation).visible_to(request.user).exists(),
    }


def consultation_page_serve(request, consultation: ConsultationPage):
    """The consultation page: its presentation and, while it is open, the questionnaire.

    POST records the answers (one response per participant, editable until closing).
    """
    # Editors previewing in the admin see the questionnaire as participants will; nothing is recorded.
    preview = getattr(request, "is_preview", False)
    refusal = None if preview else permissions.refusal(request.user, "answer_consultation", consultation)
    can_answer = refusal is None
    # A preview of a page not saved yet has no id: nothing of it is stored, so no response either.
    previewing = consultation.pk is None
    response = (
        None if previewing else selectors.response_of(consultation=consultation, participant=request.user)
    )
    form = None
    status = 200

    if request.method == "POST" and not previewing:
        if not request.user.is_authenticated:
            return _sign_in_first(consultation)
        if limited := consume_or_429(request, action="contribute_response", user=request.user):
            return limited
        if not can_answer or (response and not permissions.can(request.user, "change_response", response)):
            status = 403  # the page explains why (refusal below)
        else:
            # "Save as draft" keeps unfinished answers; any other submit button sends them.
            draft = request.POST.get("action") == "draft"
            form = ResponseForm(request.POST, questions=consultation.question_list, draft=draft)
            if form.is_valid():
                try:
                    response_submit(
                        consultation=consultation,
                        participant=request.user,
                        answers=form.answers(),
                        draft=draft,
                    )
                except ResponseRefused as refused:
                    form.add_error(None, refused)
                else:
                    if draft:
                        message = _(
                            "Your draft is saved. It is not sent yet: come back before the consultation "
                            "closes to send it."
                        )
                    elif response is None or response.status == Response.Status.DRAFT:
                        message = _("Thank you, your answers are saved.")
                    else:
                        message = _("Your answers are updated.")
                    return confirm_and_return(
                        request, url=consultation.url, anchor="questionnaire", message=message
                    )
            status = 400
    elif request.method not in ("GET", "HEAD"):
        return TemplateResponse(request, "405.html", status=405)

    if form is None and can_answer:
        form = ResponseForm(
            questions=consultation.question_list,
            initial_answers=selectors.answers_by_question(response, consultation.question_list),
        )
    phase = consultation.phase()
    outcomes = [] if previewing else list(consultation.outcome_pages.live().order_by("-first_published_at"))
    context = {
        **consultation.get_context(request),
        "page": consultation,
        "confirmation": None if previewing else confirmation_take(request),
        "summary": _summary(request, consultation, phase=phase, can_answer=can_answer, response=response),
        "outcomes": outcomes,
        # Where each "sign in to …" brings a visitor back: the section they were reading.
        "sign_in_to": {}
        if request.user.is_authenticated or previewing
        else {
            "questionnaire": sign_in_url(f"{consultation.url}#questionnaire"),
            "statements": sign_in_url(f"{consultation.url}#statements"),
        },
        "form": form,
        "has_response": response is not None and response.status == Response.Status.SUBMITTED,
        "has_draft": response is not None and response.status == Response.Status.DRAFT,
        "refusal": refusal and refusal.message,
        # Outside the audience, the fix (a commune, a confirmed address) is made in the account.
        "refusal_in_account": refusal is not None and refusal.code == NOT_IN_AUDIENCE,
        "preview": preview,
        **_statements_context(request, consultation, previewing),
        "following": not previewing
        and request.user.is_authenticated
        and consultation.follows.filter(user=request.user).exists(),
        "phase": phase,
        **_closed_context(request, consultation, previewing),
        "stages": consultation.stages(),
        "updates": sorted(
            (update for update in consultation.updates.all() if update.published_on <= timezone.localdate()),
            key=lambda update: update.published_on,
            reverse=True,
        ),
    }
    return TemplateResponse(request, consultation.get_template(request), context, status=status)


@require_POST
def consultation_follow(request, consultation_id: int):
    """Follow or stop following a consultation (`following=1` or `0`), then back to its page."""
    consultation = _consultation_or_404(request, consultation_id)
    if not request.user.is_authenticated:
        return _sign_in_first(consultation)
    following = request.POST.get("following")
    if following not in ("0", "1"):
        return TemplateResponse(request, "400.html", status=400)
    follow_set(consultation=consultation, user=request.user, following=following == "1")
    if following == "1":
        message = _("You follow this consultation: its news will reach you in the weekly digest.")
    else:
        message = _("You no longer follow this consultation.")
    return confirm_and_return(request, url=consultation.url, anchor="follow", message=message)


def _consultation_or_404(request, consultation_id: int) -> ConsultationPage:
    """A live consultation the visitor may see: its page's view restrictions (a password, signed-in
    people, groups) hold on its statements, ideas and votes too, not only on the page itself."""
    consultation = get_object_or_404(
        ConsultationPage.objects.live().select_related("organisation"), pk=consultation_id
    )
    restrictions = list(consultation.get_view_restrictions())
    if any(not restriction.accept_request(request) for restriction in restrictions):
        raise Http404
    consultation.restricted = bool(restrictions)
    return consultation


def _public_for_visitors(request, consultation: ConsultationPage) -> None:
    """What this view shows a visitor of an unrestricted consultation is the same for every visitor:
    it may be served to the next ones from the page cache (core/page_cache.py)."""
    if not consultation.restricted:
        page_cache_allow(request)


def sign_in_url(next_url: str) -> str:
    """The sign-in page, bringing the person back to `next_url` (with its #anchor) once signed in."""
    return f"{reverse('account_login')}?{urlencode({'next': next_url})}"


def _sign_in_first(consultation, anchor: str = ""):
    return redirect(sign_in_url(f"{consultation.url}#{anchor}" if anchor else consultation.url))


def _summary(request, consultation: ConsultationPage, *, phase, can_answer: bool, response) -> dict:
    """The top of the page: what the consultation asks, how long it takes, how many took part, and
    where "Take part" goes — the questionnaire while it is to be answered, else the statements, else the
    ideas; the sign-in page first for a visitor, bringing them back there. Nothing to do once closed."""
    questions = consultation.question_list
    figures = consultation_figures(consultation)
    target = ""
    if phase == Phase.OPEN and consultation.pk is not None:
        answered = response is not None and response.status == Response.Status.SUBMITTED
        if questions and not answered:
            target = f"{consultation.url}#questionnaire"
        elif consultation.statements_enabled:
            target = f"{consultation.url}#statements"
        elif consultation.ideas_enabled:
            target = reverse("idea_list", args=[consultation.pk])
        elif questions:
            target = f"{consultation.url}#questionnaire"
        if target and not request.user.is_authenticated:
            target = sign_in_url(target)
    return {
        "questions": len(questions),
        "minutes": questionnaire_minutes(questions),
        "statements": figures.statements if consultation.statements_enabled else None,
        "ideas": figures.ideas if consultation.ideas_enabled else None,
        "people": figures.people,
        "take_part_url": target,
    }


@require_POST
def statement_vote(request, consultation_id: int, statement_id: int):
    """Agree, disagree or pass on a statement; voting again changes the vote.

    Without JavaScript the form posts here and comes back to the page; with it, `fetch` asks for JSON
    and the page updates in place (static/js/contribute.js).
    """
    statement = get_object_or_404(
        selectors.statements_to_vote_on(),
        pk=statement_id,
        consultation_id=consultation_id,
        consultation__live=True,
    )
    consultation = statement.consultation
    if not request.user.is_authenticated:
        return _sign_in_first(consultation)
    value = request.POST.get("value", "")
    if value not in ("1", "-1", "0"):
        return _refused(request, 400, _("Choose agree, disagree or pass."))
    if refusal := permissions.refusal(request.user, "vote_statement", statement):
        return _refused(request, 403, refusal.message)
    if limited := _rate_limited(request, "contribute_vote"):
        return limited
    try:
        vote_cast(statement=statement, participant=request.user, value=int(value))
    except ResponseRefused as refused:  # hidden or closed since the check above
        return _refused(request, 403, refused.message)
    if _wants_json(request):
        return JsonResponse(
            {"statement": statement.pk, "vote": int(value), "message": _("Your vote is recorded.")}
        )
    message = _("Your vote is recorded.")
    if request.POST.get("from") == "list":
        back = reverse("statement_list", args=[consultation.pk])
        page = request.POST.get("page", "")
        if page.isascii() and page.isdigit() and page != "1":
            back = f"{back}?{urlencode({'page': page})}"
        return confirm_and_return(request, url=back, anchor=f"statement-{statement.pk}", message=message)
    return confirm_and_return(request, url=consultation.url, anchor="statements", message=message)


@login_required
def statement_deck(request, consultation_id: int):
    """The statement card alone: what the page's script shows after each vote, without reloading."""
    consultation = _consultation_or_404(request, consultation_id)
    if not consultation.statements_enabled:
        raise Http404
    context = {"page": consultation, **_statements_context(request, consultation, previewing=False)}
    return TemplateResponse(request, "consultations/includes/statement_deck.html", context)


def _wants_json(request) -> bool:
    """The page's script asks for JSON; forms without JavaScript get a page."""
    return "application/json" in request.headers.get("Accept", "")


def _rate_limited(request, action: str):
    """None while the person is within the rate limit of `action`, else the "too many" answer."""
    limited = consume_or_429(request, action=action, user=request.user)
    if limited is not None and _wants_json(request):
        message = _("Too many contributions in a short time: wait a minute, then try again.")
        return JsonResponse({"error": message}, status=429)
    return limited


def _refused(request, status: int, message: str):
    """A refusal the person can read: JSON for the page's script, else a page with the message."""
    if _wants_json(request):
        return JsonResponse({"error": message}, status=status)
    messages.error(request, message)
    return TemplateResponse(request, f"{status}.html", status=status)


def statement_create(request, consultation_id: int):
    """Write a statement for others to vote on."""
    consultation = _consultation_or_404(request, consultation_id)
    if not request.user.is_authenticated:
        return redirect(sign_in_url(request.path))
    if refusal := permissions.refusal(request.user, "submit_statement", consultation):
        return TemplateResponse(
            request,
            "consultations/statement_form.html",
            {"page": consultation, "refusal": refusal.message},
            status=403,
        )
    form = StatementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if limited := consume_or_429(request, action="contribute_statement", user=request.user):
            return limited
        if form.is_valid():
            statement = statement_submit(
                consultation=consultation, author=request.user, text=form.cleaned_data["text"]
            )
            if statement.status == Statement.Status.PENDING:
                message = _("Thank you: your statement will appear once a moderator has read it.")
            else:
                message = _("Thank you: your statement is published.")
            return confirm_and_return(request, url=consultation.url, anchor="statements", message=message)
        return TemplateResponse(
            request, "consultations/statement_form.html", {"page": consultation, "form": form}, status=400
        )
    return TemplateResponse(
        request, "consultations/statement_form.html", {"page": consultation, "form": form}
    )


STATEMENTS_PER_PAGE = 50
IDEAS_PER_PAGE = 20


def _page_of(request, queryset, per_page: int):
    """The requested page of `queryset`; a page number out of range or not a number gives the last or
    first page rather than an error (links get old, people type)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


@login_required
def statement_list(request, consultation_id: int):
    """Every published statement with its counts and my vote, to review or change my votes; paged."""
    consultation = _consultation_or_404(request, consultation_id)
    if not consultation.statements_enabled:
        raise Http404
    page = _page_of(
        request,
        Statement.objects.published()
        .filter(consultation=consultation)
        .order_by("id")
        .values_list("id", flat=True),
        STATEMENTS_PER_PAGE,
    )
    statements = selectors.statements_with_my_votes(
        consultation=consultation, participant=request.user, ids=list(page)
    )
    mine = Statement.objects.filter(consultation=consultation, author=request.user).order_by("id")
    return TemplateResponse(
        request,
        "consultations/statement_list.html",
        {
            "page": consultation,
            "confirmation": confirmation_take(request),
            "statements": statements,
            "page_obj": page,
            "mine": mine,
            "can_vote": consultation.phase() == Phase.OPEN
            and permissions.in_audience(request.user, consultation),
        },
    )


def idea_list(request, consultation_id: int):
    """The consultation's ideas, most supported first, with their status and the organisation's answer."""
    consultation = _consultation_or_404(request, consultation_id)
    if not consultation.ideas_enabled:
        raise Http404
    _public_for_visitors(request, consultation)
    ideas = selectors.ideas_with_supports(consultation=consultation, viewer=request.user)
    page = _page_of(request, ideas.select_related("territory"), IDEAS_PER_PAGE)
    phase = consultation.phase()
    context = {
        "page": consultation,
        "ideas": page,
        "page_obj": page,
        "phase": phase,
        "confirmation": confirmation_take(request),
        "can_support": phase == Phase.OPEN and permissions.in_audience(request.user, consultation),
        "can_submit_idea": permissions.can(request.user, "submit_idea", consultation),
        # A visitor is invited to sign in (and brought back to the form) while ideas are taken.
        "sign_in_to_propose": sign_in_url(reverse("idea_create", args=[consultation.pk]))
        if phase == Phase.OPEN and not request.user.is_authenticated
        else "",
    }
    return TemplateResponse(request, "consultations/idea_list.html", context)


def idea_create(request, consultation_id: int):
    """Propose an idea; similar existing ideas are shown first, to support rather than duplicate."""
    consultation = _consultation_or_404(request, consultation_id)
    if not request.user.is_authenticated:
        return redirect(sign_in_url(request.path))
    if refusal := permissions.refusal(request.user, "submit_idea", consultation):
        context = {"page": consultation, "refusal": refusal.message}
        return TemplateResponse(request, "consultations/idea_form.html", context, status=403)
    form = IdeaForm(request.POST if request.method == "POST" else None)
    context = {"page": consultation, "form": form}
    if request.method == "POST":
        if limited := consume_or_429(request, action="contribute_statement", user=request.user):
            return limited
        if not form.is_valid():
            return TemplateResponse(request, "consultations/idea_form.html", context, status=400)
        data = form.cleaned_data
        similar = selectors.ideas_similar_to(
            consultation=consultation, title=data["title"], text=data["text"]
        )
        if similar and not data["confirmed"]:
            # Nothing is lost: the form comes back filled in, with the similar ideas beside it.
            form = IdeaForm(initial={**data, "confirmed": True})
            return TemplateResponse(
                request, "consultations/idea_form.html", {**context, "form": form, "similar": similar}
            )
        try:
            idea = idea_submit(
                consultation=consultation,
                author=request.user,
                title=data["title"],
                text=data["text"],
                theme=data["theme"],
            )
        except ResponseRefused as refused:  # closed since the form was shown: nothing is lost
            form.add_error(None, refused.message)
            return TemplateResponse(request, "consultations/idea_form.html", context, status=403)
        return confirm_and_return(
            request,
            url=idea.get_absolute_url(),
            anchor="idea",
            message=_("Thank you: your idea is published."),
        )
    return TemplateResponse(request, "consultations/idea_form.html", context)


def idea_similar(request, consultation_id: int):
    """The ideas like the one being typed (`?title=…&text=…`), as a fragment of the idea form."""
    consultation = _consultation_or_404(request, consultation_id)
    if not consultation.ideas_enabled:
        raise Http404
    similar = selectors.ideas_similar_to(
        consultation=consultation,
        title=request.GET.get("title", "")[:150],
        text=request.GET.get("text", "")[:3000],
    )
    return TemplateResponse(request, "consultations/includes/similar_ideas.html", {"similar": similar})


@require_POST
def idea_support(request, consultation_id: int, idea_id: int):
    """Support an idea (`supporting=1`) or withdraw the support (`0`)."""
    consultation = _consultation_or_404(request, consultation_id)
    idea = get_object_or_404(
        Idea.objects.select_related("consultation"), pk=idea_id, consultation=consultation
    )
    refusal = permissions.refusal(request.user, "support_idea", idea)
    if refusal is not None and refusal.code == MERGED:  # said even before signing in: where to go
        return _refused(request, 403, refusal.message)
    from_detail = request.POST.get("from") == "detail"
    if from_detail:
        back, anchor = idea.get_absolute_url(), "support"
    else:
        back, anchor = reverse("idea_list", args=[consultation.pk]), f"idea-{idea.pk}"
        page = request.POST.get("page", "")
        if page.isascii() and page.isdigit() and page != "1":
            back = f"{back}?{urlencode({'page': page})}"
    if not request.user.is_authenticated:
        return redirect(sign_in_url(f"{back}#{anchor}"))
    supporting = request.POST.get("supporting")
    if supporting not in ("0", "1"):
        return _refused(request, 400, _("Choose to support the idea or to withdraw your support."))
    if refusal is not None:
        return _refused(request, 403, refusal.message)
    if limited := _rate_limited(request, "contribute_vote"):
        return limited
    try:
        idea_support_set(idea=idea, user=request.user, supporting=supporting == "1")
    except ResponseRefused as refused:  # merged or closed meanwhile
        return _refused(request, 403, refused.message)
    message = _("Your support is recorded.") if supporting == "1" else _("Your support is withdrawn.")
    if _wants_json(request):
        count = idea.supports.count()
        return JsonResponse(
            {
                "idea": idea.pk,
                "supporting": supporting == "1",
                "supports": count,
                "supports_label": ngettext("%(counter)s support", "%(counter)s supports", count)
                % {"counter": count},
                "message": message,
            }
        )
    return confirm_and_return(request, url=back, anchor=anchor, message=message)


def _item_page(request, *, consultation: ConsultationPage, item, template: str, extra: dict | None = None):
    """An idea's or a statement's page: the item, its comment thread and the comment form.

    POST adds a comment, or a reply when `parent` names a comment of the same item.
    """
    refusal = permissions.refusal(request.user, "comment", item)
    can_comment = refusal is None
    form = None
    status = 200
    reply_to = None
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(sign_in_url(f"{request.path}#comments"))
        if not can_comment:
            messages.error(request, refusal.message)
            status = 403
        elif limited := consume_or_429(request, action="contribute_comment", user=request.user):
            return limited
        else:
            form = CommentForm(request.POST)
            reply_to, parent_ok = _parent_of(request.POST.get("parent", ""), item)
            if not parent_ok:
                form.add_error(None, _("You can only reply to a comment on the same item."))
            if form.is_valid():
                try:
                    comment = comments.comment_post(
                        target=item,
                        author=request.user,
                        text=form.cleaned_data["text"],
                        stance=form.cleaned_data["stance"],
                        parent=reply_to,
                    )
                except ResponseRefused as refused:
                    form.add_error(None, refused.message)
                else:
                    return _comment_confirmed(request, comment, _("Thank you: your comment is published."))
            status = 400
    elif request.method not in ("GET", "HEAD"):
        return TemplateResponse(request, "405.html", status=405)
    else:
        reply_to, _parent_ok = _parent_of(request.GET.get("reply_to", ""), item)
    if form is None and can_comment:
        form = CommentForm()

    order = request.GET.get("order") if request.GET.get("order") in selectors.COMMENT_ORDERS else "oldest"
    stance = request.GET.get("stance") if request.GET.get("stance") in Stance.values else ""
    thread = selectors.comment_thread(target=item, order=order, stance=stance)
    nodes = list(_walk(thread))
    actions = permissions.comment_actions(request.user, [node.comment for node in nodes])
    for node in nodes:
        node.actions = actions[node.comment.pk]
    context = {
        "page": consultation,
        "confirmation": confirmation_take(request),
        "sign_in_to_comment": sign_in_url(f"{request.path}#comments")
        if refusal is not None and refusal.code == SIGN_IN
        else "",
        "item": item,
        "thread": thread,
        "can_comment": can_comment,
        "stance_counts": selectors.stance_counts(target=item),
        "stances": Stance.choices,
        "order": order,
        "stance": stance,
        "form": form,
        "reply_to": reply_to,
        "refusal": refusal and refusal.message,
        "can_report": permissions.can(request.user, "report_contribution", item),
        **(extra or {}),
    }
    return TemplateResponse(request, template, context, status=status)


def _comment_confirmed(request, comment: Comment, message: str):
    """Back to the comment in its thread, with the confirmation beside it."""
    return confirm_and_return(
        request, url=comment.target.get_absolute_url(), anchor=f"comment-{comment.pk}", message=message
    )


def _walk(nodes):
    """Every node of a thread, depth first."""
    for node in nodes:
        yield node
        yield from _walk(node.replies)


def _parent_of(raw: str, item) -> tuple[Comment | None, bool]:
    """The comment of `item` that `raw` names (None when empty), and whether `raw` was acceptable."""
    if not raw:
        return None, True
    field = "idea" if isinstance(item, Idea) else "statement"
    if not (raw.isascii() and raw.isdigit()):
        return None, False
    parent = Comment.objects.filter(pk=int(raw), **{field: item}).first()
    return parent, parent is not None


def idea_detail(request, consultation_id: int, idea_id: int):
    """An idea, the organisation's answer and its comments; hidden ideas only for their author."""
    consultation = _consultation_or_404(request, consultation_id)
    if not consultation.ideas_enabled:
        raise Http404
    ideas = (
        Idea.objects.visible_to(request.user)
        .select_related("merged_into", "territory", "author")
        .annotate(support_count=Count("supports"))
    )
    if request.user.is_authenticated:
        ideas = ideas.annotate(
            supported=Exists(Support.objects.filter(idea=OuterRef("pk"), supporter=request.user))
        )
    idea = get_object_or_404(ideas, pk=idea_id, consultation=consultation)
    idea.consultation = consultation
    _public_for_visitors(request, consultation)
    # The support button, or for a visitor a link to sign in and come back to it, while supports are taken.
    support_refusal = permissions.refusal(request.user, "support_idea", idea)
    sign_in_to_support = (
        support_refusal is not None and support_refusal.code == SIGN_IN and consultation.phase() == Phase.OPEN
    )
    extra = {
        "can_support": support_refusal is None,
        "sign_in_to_support": sign_in_url(f"{request.path}#support") if sign_in_to_support else "",
    }
    return _item_page(
        request, consultation=consultation, item=idea, template="consultations/idea_detail.html", extra=extra
    )


def statement_detail(request, consultation_id: int, statement_id: int):
    """A statement and its comments; pending or hidden statements only for their author."""
    consultation = _consultation_or_404(request, consultation_id)
    if not consultation.statements_enabled:
        raise Http404
    statements = Statement.objects.select_related("author")
    visible = Q(status=Statement.Status.PUBLISHED)
    if request.user.is_authenticated:
        visible |= Q(author=request.user)
    statement = get_object_or_404(statements.filter(visible), pk=statement_id, consultation=consultation)
    statement.consultation = consultation
    return _item_page(
        request, consultation=consultation, item=statement, template="consultations/statement_detail.html"
    )


def _comment_or_404(request, consultation_id: int, comment_id: int) -> Comment:
    consultation = _consultation_or_404(request, consultation_id)
    comment = get_object_or_404(
        Comment.objects.select_related("idea", "statement"), pk=comment_id, consultation=consultation
    )
    comment.consultation = consultation
    return comment


@login_required
def comment_edit(request, consultation_id: int, comment_id: int):
    """Correct one's comment within the edit window (it is then shown as edited)."""
    comment = _comment_or_404(request, consultation_id, comment_id)
    context = {"page": comment.consultation, "comment": comment}
    if refusal := permissions.refusal(request.user, "change_comment", comment):
        context["refusal"] = refusal.message
        return TemplateResponse(request, "consultations/comment_edit.html", context, status=403)
    form = CommentForm(
        request.POST if request.method == "POST" else None,
        initial={"text": comment.text, "stance": comment.stance},
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                comments.comment_edit(
                    comment=comment,
                    author=request.user,
                    text=form.cleaned_data["text"],
                    stance=form.cleaned_data["stance"],
                )
            except ResponseRefused as refused:
                form.add_error(None, refused.message)
            else:
                return _comment_confirmed(request, comment, _("Your comment is updated."))
        return TemplateResponse(
            request, "consultations/comment_edit.html", {**context, "form": form}, status=400
        )
    return TemplateResponse(request, "consultations/comment_edit.html", {**context, "form": form})


@require_POST
def comment_delete(request, consultation_id: int, comment_id: int):
    """The author deletes their comment; a placeholder keeps its place in the thread."""
    comment = _comment_or_404(request, consultation_id, comment_id)
    if not request.user.is_authenticated:
        return _sign_in_first(comment.consultation)
    try:
        comments.comment_delete(comment=comment, author=request.user)
    except ResponseRefused as refused:
        messages.error(request, refused.message)
        return TemplateResponse(request, "403.html", status=403)
    return _comment_confirmed(request, comment, _("Your comment is deleted."))


REPORTABLE = {"statement": Statement, "idea": Idea, "comment": Comment}


def _reportable(model):
    """The items of `model` shown to everyone: published, and for a comment, on a published item."""
    if model is Statement:
        return Statement.objects.published()
    if model is Idea:
        return Idea.objects.published()
    return Comment.objects.filter(status=Comment.Status.PUBLISHED).filter(
        Q(idea__moderation_status=Visibility.PUBLISHED) | Q(statement__status=Statement.Status.PUBLISHED)
    )


def contribution_report(request, consultation_id: int, kind: str, item_id: int):
    """Report a statement, an idea or a comment to the moderators, with a reason."""
    consultation = _consultation_or_404(request, consultation_id)
    model = REPORTABLE.get(kind)
    if model is None:
        raise Http404
    # Only what everyone may read can be reported: hidden or pending items are a 404, as on their pages.
    item = get_object_or_404(_reportable(model), pk=item_id, consultation=consultation)
    item.consultation = consultation
    if not request.user.is_authenticated:
        return redirect(sign_in_url(request.path))
    context = {"page": consultation, "item": item, "kind": kind, "back": item.get_absolute_url()}
    if refusal := permissions.refusal(request.user, "report_contribution", item):
        context["refusal"] = refusal.message
        return TemplateResponse(request, "consultations/report_form.html", context, status=403)
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if limited := consume_or_429(request, action="contribute_report", user=request.user):
            return limited
        if form.is_valid():
            try:
                report_submit(
                    item=item,
                    reporter=request.user,
                    reason=form.cleaned_data["reason"],
                    details=form.cleaned_data["details"],
                )
            except AlreadyReported as already:
                messages.info(request, already.message)
                return TemplateResponse(request, "consultations/report_form.html", context, status=409)
            message = _("Thank you: the moderators will look at it.")
            if kind == "comment":
                return _comment_confirmed(request, item, message)
            return confirm_and_return(request, url=item.get_absolute_url(), anchor="report", message=message)
        return TemplateResponse(
            request, "consultations/report_form.html", {**context, "form": form}, status=400
        )
    return TemplateResponse(request, "consultations/report_form.html", {**context, "form": form})
