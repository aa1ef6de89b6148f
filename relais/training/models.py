"""Product training: modules with a short quiz, assignments, completions per seller, certifications with expiry.

A module is the brand's lesson (a Markdown text, attached files, video links) with a quiz of a few questions.
It is assigned to everyone of the brand, to a segment or to a partner role, with a due date. A partner user
takes it: each try is an ``Attempt`` (append-only, its score and answers); the first pass makes the user's
``Completion`` of the module (one per user and module) which keeps the best score and the last pass. A
``Certification`` is granted by passing all of its modules and is valid for a number of months; each grant
is a ``CertificationAward`` row (a renewal is a new row), the latest being the current one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relais.core.models import Brand, TimeStampedModel


class ModuleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class TrainingModule(TimeStampedModel):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("text (Markdown)"), blank=True)
    # [{"title": ..., "url": "https://..."}]: links only, the videos stay on their host.
    videos = models.JSONField(default=list, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    product_family = models.CharField(_("product family"), max_length=100, blank=True)
    points = models.PositiveIntegerField(_("points for completion"), default=0)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=80)
    status = models.CharField(
        _("status"), max_length=10, choices=ModuleStatus.choices, default=ModuleStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["brand", "status"])]
        constraints = [
            models.CheckConstraint(
                name="training_pass_mark_is_a_percentage", condition=models.Q(pass_mark__lte=100)
            )
        ]

    def __str__(self) -> str:
        return self.title


class ModuleFile(TimeStampedModel):
    """A file of a module, stored under MEDIA_ROOT and served only through the permission-checked views."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+", db_index=False)
    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="training/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=500)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def multiple(self) -> bool:
        """More than one right answer: the quiz shows boxes to tick rather than one choice."""
        return sum(1 for c in self.choices.all() if c.is_correct) > 1


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("answer"), max_length=300)
    is_correct = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class AssignmentTarget(models.TextChoices):
    EVERYONE = "everyone", _("Everyone of the network")
    SEGMENT = "segment", _("A segment")
    ROLE = "role", _("A partner role")


class Assignment(TimeStampedModel):
    """Who must take a module, and by when."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+", db_index=False)
    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="assignments")
    target = models.CharField(_("assigned to"), max_length=10, choices=AssignmentTarget.choices)
    segment = models.ForeignKey(
        "network.Segment", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    role = models.CharField(_("role"), max_length=20, blank=True)  # partner_admin or partner_seller
    # The channel program the assignment belongs to, if any (a plain id: programs sits on another floor).
    program_id = models.IntegerField(null=True, blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="training_assignment_segment_iff_segment_target",
                condition=models.Q(target="segment", segment__isnull=False)
                | (~models.Q(target="segment") & models.Q(segment__isnull=True)),
            ),
            models.CheckConstraint(
                name="training_assignment_role_iff_role_target",
                condition=models.Q(target="role", role__in=["partner_admin", "partner_seller"])
                | (~models.Q(target="role") & models.Q(role="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.module_id} → {self.target}"


class Attempt(models.Model):
    """One try at a module's quiz. Append-only."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+", db_index=False)
    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey("network.PartnerCompany", on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField()  # percent of questions answered right
    passed = models.BooleanField()
    answers = models.JSONField(default=dict)  # {question id: [choice ids]}
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["module", "user"])]

    def __str__(self) -> str:
        return f"{self.user_id} tried {self.module_id} ({self.score} %)"


class Completion(models.Model):
    """A user passed a module: the first pass, the best score of every try, the last pass (renewals)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+", db_index=False)
    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="completions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey("network.PartnerCompany", on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField()
    completed_at = models.DateTimeField()
    last_passed_at = models.DateTimeField()

    class Meta:
        ordering = ["-completed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["module", "user"], name="training_one_completion_per_user")
        ]
        indexes = [models.Index(fields=["partner", "module"])]

    def __str__(self) -> str:
        return f"{self.user_id} completed {self.module_id} ({self.score} %)"


class Certification(TimeStampedModel):
    """Granted by passing every one of its modules; valid for ``validity_months`` from the grant."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    validity_months = models.PositiveSmallIntegerField(_("valid for (months)"), default=12)
    modules = models.ManyToManyField(TrainingModule, related_name="certifications")

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class CertificationAward(models.Model):
    """A user was certified on ``awarded_on`` until ``expires_on``. Append-only: a renewal is a new row."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+", db_index=False)
    certification = models.ForeignKey(Certification, on_delete=models.CASCADE, related_name="awards")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey("network.PartnerCompany", on_delete=models.CASCADE, related_name="+")
    awarded_on = models.DateField()
    expires_on = models.DateField()
    # Set when the renewal reminder went out, so the daily run tells each holder once.
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-awarded_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "user", "awarded_on"], name="training_one_award_per_day"
            )
        ]
        indexes = [models.Index(fields=["brand", "expires_on"]), models.Index(fields=["partner"])]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.certification_id} until {self.expires_on}"
