"""What the consultations hold about a person, for "Download my data"."""

from accounts.privacy import register_eraser, register_exporter
from consultations.blocks import OTHER
from consultations.models import Comment, Follow, Idea, InvitedParticipant, Report, Response, Statement


@register_exporter("consultation_responses")
def responses_export(user) -> list[dict]:
    exported = []
    responses = (
        Response.objects.filter(participant=user).select_related("consultation").prefetch_related("answers")
    )
    for response in responses:
        questions = {question.id: question for question in response.consultation.question_list}
        answers = []
        for answer in response.answers.all():
            # Row by row, so that answers to questions removed since are exported too.
            question = questions.get(answer.question_id)
            if question is None:
                value = answer.choice_id or answer.text or answer.number
            elif answer.choice_id == OTHER:
                value = question.display((OTHER, answer.text))
            elif answer.number is not None:
                value = question.display(answer.number)
            elif answer.choice_id:
                value = question.display(answer.choice_id)
            else:
                value = answer.text
            row = {"question": question.label if question else answer.question_id, "answer": str(value)}
            if answer.position is not None:
                row["rank"] = answer.position
            answers.append(row)
        exported.append(
            {
                "consultation": response.consultation.title,
                "status": response.get_status_display(),
                "submitted_at": response.submitted_at.isoformat() if response.submitted_at else None,
                "updated_at": response.updated_at.isoformat(),
                "answers": answers,
            }
        )
    return exported


@register_exporter("followed_consultations")
def follows_export(user) -> list[dict]:
    return [
        {"consultation": follow.consultation.title, "since": follow.created_at.isoformat()}
        for follow in Follow.objects.filter(user=user).select_related("consultation")
    ]


@register_exporter("consultation_comments")
def comments_export(user) -> list[dict]:
    """The person's comments, including hidden ones (with the reason); deleted ones have no text left."""
    comments = Comment.objects.filter(author=user).select_related("consultation", "idea", "statement")
    return [
        {
            "consultation": comment.consultation.title,
            "on": comment.idea.title if comment.idea_id else comment.statement.text,
            "text": comment.text,
            "stance": comment.stance,
            "status": comment.status,
            "moderation_reason": comment.moderation_reason,
            "created_at": comment.created_at.isoformat(),
            "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
        }
        for comment in comments.order_by("created_at")
    ]


@register_exporter("consultation_statements")
def statements_export(user) -> list[dict]:
    return [
        {
            "consultation": statement.consultation.title,
            "text": statement.text,
            "status": statement.status,
            "moderation_reason": statement.moderation_reason,
            "created_at": statement.created_at.isoformat(),
        }
        for statement in Statement.objects.filter(author=user).select_related("consultation").order_by("id")
    ]


@register_exporter("consultation_ideas")
def ideas_export(user) -> list[dict]:
    return [
        {
            "consultation": idea.consultation.title,
            "title": idea.title,
            "text": idea.text,
            "moderation_status": idea.moderation_status,
            "moderation_reason": idea.moderation_reason,
            "created_at": idea.created_at.isoformat(),
        }
        for idea in Idea.objects.filter(author=user).select_related("consultation").order_by("id")
    ]


@register_exporter("contribution_reports")
def reports_export(user) -> list[dict]:
    """What the person reported to the moderators, and why."""
    return [
        {
            "reason": report.reason,
            "details": report.details,
            "created_at": report.created_at.isoformat(),
            "handled": report.resolved_at is not None,
        }
        for report in Report.objects.filter(reporter=user).order_by("created_at")
    ]


@register_exporter("paper_forms_typed_in")
def paper_forms_export(user) -> list[dict]:
    """The paper questionnaires the person typed in as an agent (their numbers, not their content: the
    answers are the respondents', not the agent's). Deleting the account unlinks them (SET_NULL)."""
    return [
        {"consultation": title, "paper_form_number": reference, "typed_in_at": submitted_at.isoformat()}
        for title, reference, submitted_at in Response.objects.filter(entered_by=user)
        .order_by("submitted_at", "id")
        .values_list("consultation__title", "reference", "submitted_at")
    ]


@register_eraser("consultation_invitations_and_drafts")
def invitations_and_drafts_erase(user) -> None:
    """The person's addresses on consultations' invitation lists, and their drafts (never sent, so not
    contributions to keep without their author)."""
    addresses = {user.email.lower(), *(address.email.lower() for address in user.emailaddress_set.all())}
    InvitedParticipant.objects.filter(email__in=addresses).delete()
    Response.objects.filter(participant=user, status=Response.Status.DRAFT).delete()
