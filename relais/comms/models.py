"""Communications: messages to partner users (campaigns and notifications), their deliveries, each user's
preferences, and the brand's sales-aid content library.

A ``Message`` is written once; a ``Delivery`` row per (message, user) is both the portal inbox entry and the
e-mail's record. The unique (message, user) pair is what makes sending idempotent: recipients are inserted
with conflicts ignored, and the sending job only sends deliveries still ``pending``, marking each one sent
in batches: a batch is claimed (``sending``) and committed before its e-mails go out, then marked sent in
one transaction (``relais.comms.services.sending``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.core.models import Brand, BrandOwnedModel, TimeStampedModel
from relais.network.models import PartnerCompany, Segment


class MessageKind(models.TextChoices):
    ANNOUNCEMENT = "announcement", _("Announcement")
    NEWSLETTER = "newsletter", _("Newsletter")
    NOTIFICATION = "notification", _("Notification")


class Category(models.TextChoices):
    # Transactional: about the user's own business (a review, points, an order); no unsubscribe link.
    TRANSACTIONAL = "transactional", _("Transactional")
    # Marketing: the brand's news; carries a signed unsubscribe link.
    MARKETING = "marketing", _("Marketing")


class ContentKind(models.TextChoices):
    BROCHURE = "brochure", _("Brochure")
    SALES_MESSAGE = "sales_message", _("Sales message")
    PRODUCT_SHEET = "product_sheet", _("Product sheet")
    VIDEO = "video", _("Video")
    LINK = "link", _("Link")


class ContentItem(BrandOwnedModel):
    """A sales aid of the brand's library. Partners only see it published, within its dates, in their
    segments (none: every partner) and language (blank: every language)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Awaiting approval")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    kind = models.CharField(_("kind"), max_length=20, choices=ContentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    segments = models.ManyToManyField(Segment, blank=True, related_name="+", verbose_name=_("segments"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # A PDF template the portal stamps with the partner's name and contact block on download.
    co_branded = models.BooleanField(_("co-branded"), default=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    # The version partners get: the latest one a brand admin approved.
    current_version = models.ForeignKey(
        "ContentVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["brand", "status"])]

    def __str__(self) -> str:
        return self.title


class ContentVersion(TimeStampedModel):
    """One version of a sales aid: a file, a link or a text; versions are never edited, only added."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(_("file"), upload_to="comms/content/%Y/%m/", blank=True)
    url = models.URLField(_("link"), blank=True)
    text = models.TextField(_("text"), blank=True)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="content_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} v{self.number}"


class Message(BrandOwnedModel):
    """A campaign (announcement, newsletter) or a notification. Campaign texts are the brand's own words in
    each language; a notification stores a ``code`` and ``params``, rendered in the reader's language."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    code = models.CharField(max_length=40, blank=True)
    params = models.JSONField(default=dict, blank=True)
    subject_en = models.CharField(_("subject (English)"), max_length=200, blank=True)
    subject_fr = models.CharField(_("subject (French)"), max_length=200, blank=True)
    body_en = models.TextField(_("text (English, Markdown)"), blank=True)
    body_fr = models.TextField(_("text (French, Markdown)"), blank=True)
    # Targeting of a campaign, resolved at send time; empty means no restriction on that field.
    segments = models.ManyToManyField(Segment, blank=True, related_name="+", verbose_name=_("segments"))
    partner_kinds = models.JSONField(_("partner kinds"), default=list, blank=True)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    roles = models.JSONField(_("roles"), default=list, blank=True)
    content_items = models.ManyToManyField(
        ContentItem, blank=True, related_name="messages", verbose_name=_("sales aids")
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True)
    # When the recipients were fixed (a campaign's targeting is resolved once, when it is sent).
    recipients_resolved_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["brand", "kind", "-created_at"]),
            models.Index(fields=["status", "scheduled_at"]),
        ]

    def __str__(self) -> str:
        return self.subject_en or self.subject_fr or self.code or f"message {self.pk}"


class EmailFrequency(models.TextChoices):
    IMMEDIATE = "immediate", _("At once")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")


class Digest(models.Model):
    """One e-mail gathering a user's notifications of one period (a day or a week); unique per user,
    frequency and period, so a second run of the digest job builds nothing again."""

    class Status(models.TextChoices):
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(max_length=10, choices=EmailFrequency.choices)
    period_start = models.DateField()
    language = models.CharField(max_length=8)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENDING)
    error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "frequency", "period_start"], name="one_digest_per_user_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.frequency} digest of {self.user_id} from {self.period_start}"


class Delivery(models.Model):
    """A message to one user: the inbox entry (read receipt) and the e-mail's record."""

    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("To send")
        DIGEST = "digest", _("In the next digest")
        # Claimed by a sending batch and committed before the e-mail goes out (see services/sending.py).
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        BOUNCED = "bounced", _("Bounced")
        SKIPPED = "skipped", _("Not by e-mail")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(
        PartnerCompany, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=8)
    in_portal = models.BooleanField(default=True)
    email_status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=500, blank=True)
    # The digest it waits for (``daily`` / ``weekly``; blank: its own e-mail) and the one that carried it.
    email_digest = models.CharField(max_length=10, blank=True)
    digest = models.ForeignKey(
        Digest, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    # Who claimed it for sending (``job:<id>``, or ``direct``), so a redelivered job knows its own claims,
    # and when (a claim older than the sending's timeout is a dead sender's).
    email_claim = models.CharField(max_length=40, blank=True)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    # Written just before its e-mail is handed to the server: a claim left with it set died in the middle
    # of that exchange (the server may have accepted it), one without it was never handed over.
    email_attempted_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["message", "user"], name="delivery_once_per_user")]
        indexes = [
            models.Index(fields=["user", "in_portal", "read_at"]),
            models.Index(fields=["message", "email_status"]),
        ]

    def __str__(self) -> str:
        return f"message {self.message_id} to user {self.user_id} ({self.email_status})"


class NotificationPreference(models.Model):
    """A user's choice for one kind of message; without a row the kind's default applies
    (``relais.comms.kinds.KINDS``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    in_portal = models.BooleanField(default=True)
    by_email = models.BooleanField(default=True)
    email_frequency = models.CharField(
        max_length=10, choices=EmailFrequency.choices, default=EmailFrequency.IMMEDIATE
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_user_kind")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"


class ContentEvent(models.Model):
    """A view or download of a sales aid by a partner user (the per-partner counts and campaign figures)."""

    class Kind(models.TextChoices):
        VIEW = "view", _("View")
        DOWNLOAD = "download", _("Download")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="events")
    version = models.ForeignKey(ContentVersion, on_delete=models.SET_NULL, null=True, related_name="+")
    partner = models.ForeignKey(PartnerCompany, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["item", "kind"]), models.Index(fields=["message", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} of {self.item_id} by {self.partner_id}"


class BounceReport(models.Model):
    """A delivery status notification (RFC 3464) or complaint report read by the bounce processor,
    appended once per report and recipient (``report_id``: its Message-ID and the address)."""

    class Kind(models.TextChoices):
        HARD = "hard", _("Hard bounce")
        SOFT = "soft", _("Soft bounce")
        COMPLAINT = "complaint", _("Complaint")

    report_id = models.CharField(max_length=400, unique=True)
    email = models.EmailField(db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=20, blank=True)
    diagnostic = models.CharField(max_length=500, blank=True)
    delivery = models.ForeignKey(Delivery, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.email}"


class BouncingAddress(models.Model):
    """An address the mail servers refuse: after a hard bounce, or ``SOFT_BOUNCE_LIMIT`` soft ones,
    ``suppressed_at`` is set and no e-mail goes to it any more (the portal inbox still does)."""

    email = models.EmailField(unique=True)
    hard_bounces = models.PositiveIntegerField(default=0)
    soft_bounces = models.PositiveIntegerField(default=0)
    last_status = models.CharField(max_length=20, blank=True)
    last_diagnostic = models.CharField(max_length=500, blank=True)
    last_bounced_at = models.DateTimeField(null=True, blank=True)
    suppressed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.email


class NoticeCursor(models.Model):
    """How far a periodic notice scan has read (per brand and key): the last ledger entry id told of,
    or the moment up to which it looked; what makes each lot told of once."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40)
    position = models.BigIntegerField(default=0)
    moment = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brand", "key"], name="one_notice_cursor_per_key")]

    def __str__(self) -> str:
        return f"{self.brand_id} {self.key}"
