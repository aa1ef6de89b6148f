"""Writes of the communications domain (``<entity>_<action>(*, ...)``), one module per concern."""

from relais.comms.services.bounces import (
    address_bounce_clear,
    bounce_record,
    bounces_parse,
    bounces_process_folder,
)
from relais.comms.services.digests import digests_send
from relais.comms.services.library import (
    content_cobranded_pdf,
    content_event_record,
    content_item_approve,
    content_item_archive,
    content_item_save,
    content_version_add,
    partner_stamp,
)
from relais.comms.services.messages import (
    SEND_JOB_KIND,
    campaign_save,
    campaign_schedule,
    campaigns_dispatch_due,
    deliveries_mark_all_read,
    delivery_mark_read,
    marketing_unsubscribe,
    notification_send,
    preference_set,
)
from relais.comms.services.reminders import reminders_send
from relais.comms.services.sending import (
    deliveries_insert,
    delivery_bounce_record,
    emails_send,
    message_deliver,
    recipients_resolve,
    unsubscribe_token,
    unsubscribe_user_id,
)

__all__ = [
    "SEND_JOB_KIND",
    "address_bounce_clear",
    "bounce_record",
    "bounces_parse",
    "bounces_process_folder",
    "campaign_save",
    "campaign_schedule",
    "campaigns_dispatch_due",
    "content_cobranded_pdf",
    "content_event_record",
    "content_item_approve",
    "content_item_archive",
    "content_item_save",
    "content_version_add",
    "deliveries_insert",
    "deliveries_mark_all_read",
    "delivery_bounce_record",
    "delivery_mark_read",
    "digests_send",
    "emails_send",
    "marketing_unsubscribe",
    "message_deliver",
    "notification_send",
    "partner_stamp",
    "preference_set",
    "recipients_resolve",
    "reminders_send",
    "unsubscribe_token",
    "unsubscribe_user_id",
]
