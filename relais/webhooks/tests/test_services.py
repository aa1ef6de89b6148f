"""Webhook deliveries against a real HTTP receiver that checks the signature; retries with backoff."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from relais.core.errors import ApplicationError
from relais.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEvent
from relais.webhooks.services import (
    MAX_ATTEMPTS,
    backoff_after,
    webhook_deliveries_due,
    webhook_delivery_replay,
    webhook_endpoint_create,
    webhook_event_emit,
)
from relais.webhooks.signing import SIGNATURE_HEADER, signature_header, signature_verify

pytestmark = pytest.mark.django_db


class Receiver:
    """A receiver as a brand would write it: it verifies the signature and answers 204, or fails on purpose
    the first ``fail_first`` times (500)."""

    def __init__(self) -> None:
        self.secret = ""
        self.fail_first = 0
        self.received: list[dict] = []
        self.refused = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if not signature_verify(
                    secret=outer.secret, header=self.headers[SIGNATURE_HEADER], body=body
                ):
                    outer.refused += 1
                    self.send_response(400)
                elif outer.fail_first > 0:
                    outer.fail_first -= 1
                    self.send_response(500)
                else:
                    outer.received.append(json.loads(body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/relais"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    settings.WEBHOOKS_ALLOW_HTTP = True  # the receiver is plain http on localhost
    server = Receiver()
    yield server
    server.close()


def endpoint_for(brand, receiver: Receiver, events=(WebhookEvent.DECLARATION_VALIDATED,)):
    endpoint, secret = webhook_endpoint_create(brand=brand, url=receiver.url, events=list(events))
    receiver.secret = secret
    return endpoint


def test_an_event_is_delivered_signed_after_commit(brand, receiver, django_capture_on_commit_callbacks):
    endpoint_for(brand, receiver)

    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = webhook_event_emit(
            brand=brand, event_type=WebhookEvent.DECLARATION_VALIDATED, data={"declaration": {"id": 7}}
        )
        assert receiver.received == []  # nothing leaves before the commit

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert receiver.refused == 0
    assert receiver.received[0]["type"] == "declaration.validated"
    assert receiver.received[0]["id"] == str(delivery.event_id)
    assert receiver.received[0]["data"] == {"declaration": {"id": 7}}
    assert list(delivery.attempt_rows.values_list("status_code", "succeeded")) == [(204, True)]


def test_a_failed_delivery_is_retried_with_exponential_backoff(
    brand, receiver, django_capture_on_commit_callbacks
):
    endpoint_for(brand, receiver)
    receiver.fail_first = 2
    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = webhook_event_emit(brand=brand, event_type=WebhookEvent.DECLARATION_VALIDATED, data={})
    delivery.refresh_from_db()
    first_try = delivery.attempt_rows.get().attempted_at
    assert delivery.status == WebhookDelivery.Status.RETRYING
    assert delivery.next_attempt_at == first_try + timedelta(minutes=1)

    assert webhook_deliveries_due(now=first_try + timedelta(seconds=30)) == 0  # not due yet
    webhook_deliveries_due(now=first_try + timedelta(minutes=1))
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == first_try + timedelta(minutes=1) + timedelta(minutes=2)
    webhook_deliveries_due(now=delivery.next_attempt_at)

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert list(delivery.attempt_rows.values_list("number", "status_code")) == [(1, 500), (2, 500), (3, 204)]
    assert len(receiver.received) == 1


def test_after_the_last_attempt_the_delivery_is_given_up_then_replayed(brand, receiver):
    endpoint_for(brand, receiver)
    receiver.fail_first = MAX_ATTEMPTS
    (delivery,) = webhook_event_emit(brand=brand, event_type=WebhookEvent.DECLARATION_VALIDATED, data={})
    now = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        webhook_deliveries_due(now=now)
        now += timedelta(days=1)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.GIVEN_UP
    assert delivery.next_attempt_at is None
    assert webhook_deliveries_due(now=now) == 0

    webhook_delivery_replay(delivery=delivery)
    webhook_deliveries_due(now=timezone.now() + timedelta(seconds=1))

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == MAX_ATTEMPTS + 1


def test_no_answer_at_all_is_a_failed_attempt_with_its_error(brand, settings):
    settings.WEBHOOKS_ALLOW_HTTP = True
    webhook_endpoint_create(brand=brand, url="http://127.0.0.1:9/closed", events=["declaration.validated"])
    (delivery,) = webhook_event_emit(brand=brand, event_type="declaration.validated", data={})

    webhook_deliveries_due()

    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert attempt.status_code is None
    assert attempt.error


def test_only_active_endpoints_that_chose_the_event_get_it(brand, other_brand, receiver):
    endpoint_for(brand, receiver, events=[WebhookEvent.ORDER_STATUS_CHANGED])
    webhook_endpoint_create(brand=other_brand, url=receiver.url, events=[WebhookEvent.DECLARATION_VALIDATED])

    assert webhook_event_emit(brand=brand, event_type=WebhookEvent.DECLARATION_VALIDATED, data={}) == []


def test_production_refuses_a_plain_http_url(brand, settings):
    settings.WEBHOOKS_ALLOW_HTTP = False

    with pytest.raises(ApplicationError):
        webhook_endpoint_create(brand=brand, url="http://example.com/hook", events=["declaration.validated"])


def test_the_signature_fails_on_another_body_secret_or_an_old_timestamp():
    body = b'{"id":"1"}'
    header = signature_header(secret="s1", body=body, timestamp=1_800_000_000)

    assert signature_verify(secret="s1", header=header, body=body, now=1_800_000_010)
    assert not signature_verify(secret="s1", header=header, body=b'{"id":"2"}', now=1_800_000_010)
    assert not signature_verify(secret="s2", header=header, body=body, now=1_800_000_010)
    assert not signature_verify(secret="s1", header=header, body=body, now=1_800_001_000)


def test_backoff_doubles():
    assert [backoff_after(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
