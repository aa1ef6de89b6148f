"""Periodic work of the incentives domain (Celery beat in production, ``manage.py expire_points`` elsewhere)."""

from celery import shared_task


@shared_task(name="relais.incentives.expire_points", ignore_result=True)
def expire_points_every_brand() -> int:
    """Enqueue the ``incentives_expire`` job of every active brand; returns how many were enqueued."""
    from relais.core.jobs import job_enqueue
    from relais.core.models import Brand

    brands = list(Brand.objects.filter(is_active=True))
    for brand in brands:
        job_enqueue(kind="incentives_expire", payload={}, brand=brand)
    return len(brands)
