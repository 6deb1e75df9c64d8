"""Forms of calls for projects: the applicant's dossier, and the officials' and evaluators' decisions."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import CommuneField
from calls.models import (
    AnswerTemplate,
    ApplicantType,
    CallPage,
    Export,
    FieldKind,
    Milestone,
    Project,
    RequiredDocument,
    Service,
    Tag,
)
from calls.validators import normalise_identifier, validate_rna, validate_siret


class DescribedMixin:
    """Each field's help text and errors are tied to it by aria-describedby (read by screen readers)."""

    def describe(self):
        for name, field in self.fields.items():
            bound = self[name]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}_help")
            if self.is_bound and name in self.errors:
                ids.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    @property
    def described(self):
        self.describe()
        return self


class ProjectForm(DescribedMixin, forms.ModelForm):
    """The dossier itself, with the call's own questions after the common ones."""

    commune = CommuneField(
        label=_("Commune where the project takes place"),
        required=False,
        max_length=200,
        help_text=_("Its name, postal code or INSEE code."),
    )
    # Longer than the stored values: people type spaces and dots between groups of digits.
    siret = forms.CharField(
        label=_("SIRET number"),
        required=False,
        max_length=30,
        help_text=_("For a company: 14 digits, on your INSEE notice."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    rna = forms.CharField(
        label=_("RNA number"),
        required=False,
        max_length=20,
        help_text=_("For an association: W followed by 9 digits, on your receipt from the prefecture."),
    )
    local_register = forms.CharField(
        label=_("Alsace-Moselle association: register entry"),
        required=False,
        max_length=100,
        help_text=_(
            "Instead of an RNA number, for an association registered in Moselle, Bas-Rhin or Haut-Rhin: "
            "its court and entry in the register of associations, e.g. Strasbourg, volume 12 no. 345."
        ),
    )

    class Meta:
        model = Project
        fields = [
            "title",
            "summary",
            "applicant_type",
            "organisation_name",
            "siret",
            "rna",
            "local_register",
            "amount_requested",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "amount_requested": _("The budget lines below must add up to this amount."),
        }

    def __init__(self, *args, call: CallPage, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        accepted = call.applicant_types
        self.fields["applicant_type"].choices = [
            ("", "---------"),
            *[(value, label) for value, label in ApplicantType.choices if value in accepted],
        ]
        if self.instance.territory_id:
            self.fields["commune"].initial = self.instance.territory
        answers = self.instance.answers or {}
        for question in call.fields.all():
            self.fields[question.key] = self._question_field(question)
            if question.key in answers:
                self.fields[question.key].initial = answers[question.key]

    @staticmethod
    def _question_field(question):
        common = {"label": question.label, "help_text": question.help_text, "required": False}
        if question.kind == FieldKind.LONG_TEXT:
            return forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 4}), **common)
        if question.kind == FieldKind.NUMBER:
            return forms.DecimalField(max_digits=15, decimal_places=2, **common)
        if question.kind == FieldKind.YES_NO:
            return forms.ChoiceField(
                choices=[("", "---------"), ("yes", _("Yes")), ("no", _("No"))], **common
            )
        if question.kind == FieldKind.DATE:
            return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
        return forms.CharField(max_length=300, **common)

    def clean_siret(self):
        value = normalise_identifier(self.cleaned_data["siret"])
        if value:
            validate_siret(value)
        return value

    def clean_rna(self):
        value = normalise_identifier(self.cleaned_data["rna"])
        if value:
            validate_rna(value)
        return value

    def clean_local_register(self):
        return " ".join(self.cleaned_data["local_register"].split())

    def project_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["amount_requested"] = data["amount_requested"] or Decimal("0")
        data["territory"] = self.cleaned_data["commune"]
        return data

    def answers(self) -> dict:
        answers = {}
        for question in self.call.fields.all():
            value = self.cleaned_data.get(question.key)
            if value is None or value == "":
                continue
            answers[question.key] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        return answers


class TeamMemberForm(DescribedMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    role = forms.CharField(label=_("Role in the project"), max_length=200, required=False)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    co_applicant = forms.BooleanField(label=_("Co-applicant"), required=False)


class BudgetLineForm(DescribedMixin, forms.Form):
    label = forms.CharField(label=_("Expense"), max_length=200)
    amount = forms.DecimalField(
        label=_("Amount (€)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )


class RowsFormSet(forms.BaseFormSet):
    """Rows shown filled with what was saved, all optional: a row left empty is dropped (no JavaScript
    needed to remove one). The saved rows are replaced as a whole on each save."""

    def initial_form_count(self):
        return 0

    def total_form_count(self):
        if self.is_bound:
            return super().total_form_count()
        return min(len(self.initial or []) + self.extra, self.absolute_max)

    def rows(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data]


TeamFormSet = forms.formset_factory(
    TeamMemberForm, formset=RowsFormSet, extra=2, max_num=30, validate_max=True
)
BudgetFormSet = forms.formset_factory(
    BudgetLineForm, formset=RowsFormSet, extra=3, max_num=50, validate_max=True
)


class AttachmentForm(DescribedMixin, forms.Form):
    document = forms.ModelChoiceField(
        label=_("Which document"), queryset=RequiredDocument.objects.none(), required=False
    )
    file = forms.FileField(label=_("File"), help_text=_("PDF, image (PNG, JPEG) or office document."))

    def __init__(self, *args, call: CallPage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = call.documents.all()
        self.fields["file"].help_text = _(
            "PDF, image (PNG, JPEG) or office document (DOCX, XLSX, ODT, ODS), at most %(max)s MB."
        ) % {"max": call.max_file_size_mb}


class MilestoneForm(DescribedMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on", "progress", "note"]
        widgets = {
            "due_on": forms.DateInput(attrs={"type": "date"}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }


class ConflictForm(DescribedMixin, forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this dossier?"),
        choices=[("no", _("No, I have no link with the applicants or the project")), ("yes", _("Yes"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Which link (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ScoreForm(DescribedMixin, forms.Form):
    """One score (and comment) per criterion of the grid, and an overall comment."""

    comment = forms.CharField(
        label=_("Overall comment"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, criteria, scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        scores = scores or {}
        for criterion in self.criteria:
            given = scores.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=_("%(label)s (0 to %(max)s)") % {"label": criterion.label, "max": criterion.max_score},
                help_text=criterion.description,
                min_value=0,
                max_value=criterion.max_score,
                initial=given.value if given else None,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on “%(label)s”") % {"label": criterion.label},
                required=False,
                max_length=2000,
                initial=given.comment if given else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.order_fields([*[name for name in self.fields if name != "comment"], "comment"])

    def values(self) -> dict[int, tuple[int, str]]:
        return {
            criterion.pk: (
                self.cleaned_data[f"score_{criterion.pk}"],
                self.cleaned_data[f"comment_{criterion.pk}"],
            )
            for criterion in self.criteria
        }


DECISIONS = [
    (Project.Status.ELIGIBLE, _("Eligible")),
    (Project.Status.INELIGIBLE, _("Not eligible")),
    (Project.Status.SELECTED, _("Selected")),
    (Project.Status.NOT_SELECTED, _("Not selected")),
    (Project.Status.CLOSED, _("Closed without follow-up")),
]


class StatusForm(DescribedMixin, forms.Form):
    """An official's decision on one or several dossiers; its reason may come from an answer template."""

    to_status = forms.ChoiceField(label=_("New status"), choices=DECISIONS)
    template = forms.ModelChoiceField(
        label=_("Answer template"), queryset=AnswerTemplate.objects.none(), required=False
    )
    reason = forms.CharField(
        label=_("Reason (sent to the applicant)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for every decision but eligibility. Left empty, the template's text is used."),
    )

    def __init__(self, *args, organisation_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = AnswerTemplate.objects.filter(organisation_id=organisation_id)

    def clean(self):
        cleaned = super().clean()
        template = cleaned.get("template")
        if template and not cleaned.get("reason", "").strip():
            cleaned["reason"] = template.body
        if template and cleaned.get("to_status") and template.status != cleaned["to_status"]:
            self.add_error("template", _("This template is for another status."))
        return cleaned


class BulkForm(StatusForm):
    """The same change for the dossiers ticked in the list."""

    ACTIONS = [
        ("status", _("Change the status")),
        ("tag", _("Add a tag")),
        ("untag", _("Remove a tag")),
        ("service", _("Assign to a service")),
    ]
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    projects = forms.ModelMultipleChoiceField(label=_("Dossiers"), queryset=Project.objects.none())
    tag = forms.CharField(label=_("Tag"), required=False, max_length=100)
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none(), required=False)

    def __init__(self, *args, call: CallPage, **kwargs):
        super().__init__(*args, organisation_id=call.organisation_id, **kwargs)
        self.fields["projects"].queryset = call.projects.submitted()
        self.fields["projects"].error_messages["required"] = _("Tick at least one dossier.")
        self.fields["to_status"].required = False
        self.fields["service"].queryset = Service.objects.filter(organisation_id=call.organisation_id)
        self.call = call

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == "status" and not cleaned.get("to_status"):
            self.add_error("to_status", _("Choose the new status."))
        if action in ("tag", "untag") and not cleaned.get("tag", "").strip():
            self.add_error("tag", _("Give the tag."))
        if action == "service" and not cleaned.get("service"):
            self.add_error("service", _("Choose the service."))
        return cleaned

    def tag_object(self):
        tag, _created = Tag.objects.get_or_create(
            organisation_id=self.call.organisation_id, name=self.cleaned_data["tag"].strip()
        )
        return tag


class AssignForm(DescribedMixin, forms.Form):
    """An evaluator for a dossier, by e-mail address: someone with an account, or an outside expert who
    is invited to make one (services.evaluator_invitations.evaluator_invite)."""

    email = forms.EmailField(
        label=_("Evaluator's e-mail address"),
        help_text=_(
            "Someone without an account yet is e-mailed an invitation to create one and evaluate this "
            "dossier."
        ),
    )
    name = forms.CharField(
        label=_("Evaluator's name"),
        max_length=150,
        required=False,
        help_text=_("Optional: used to greet them in the invitation."),
    )


class ExportForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=Export.Format.choices)


class ServiceForm(DescribedMixin, forms.ModelForm):
    class Meta:
        model = Service
        fields = ["organisation", "name"]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class AnswerTemplateForm(DescribedMixin, forms.ModelForm):
    class Meta:
        model = AnswerTemplate
        fields = ["organisation", "name", "status", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["status"].choices = DECISIONS
