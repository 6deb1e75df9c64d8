"""What the consultations hold about a person, for "Download my data"."""

from accounts.privacy import register_exporter

from .models import Follow, Response


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
