"""What the consultations hold about a person, for "Download my data"."""

from accounts.privacy import register_exporter

from .models import Comment, Follow, Idea, Report, Response, Statement


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
            question = questions.get(answer.question_id)
            answers.append(
                {
                    "question": question.label if question else answer.question_id,
                    "answer": dict(question.choices).get(answer.choice_id, answer.choice_id)
                    if question and answer.choice_id
                    else answer.text,
                }
            )
        exported.append(
            {
                "consultation": response.consultation.title,
                "submitted_at": response.submitted_at.isoformat(),
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
