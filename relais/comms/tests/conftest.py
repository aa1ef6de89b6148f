import pytest

from relais.comms.tests.smtp import DyingEmailBackend, Inbox, smtp_server


@pytest.fixture
def smtp(settings):
    """A real SMTP server in a thread; Django's e-mail goes to it through the SMTP backend."""
    inbox = Inbox()
    controller = smtp_server(inbox)
    controller.start()
    settings.EMAIL_BACKEND = "relais.comms.tests.smtp.DyingEmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.RELAIS_BASE_URL = "https://relais.example"
    DyingEmailBackend.limit, DyingEmailBackend.die_after_accepting, DyingEmailBackend.sent = None, None, 0
    yield inbox
    controller.stop()
    DyingEmailBackend.limit, DyingEmailBackend.die_after_accepting, DyingEmailBackend.sent = None, None, 0
