"""Periodic work of the incentives domain (Celery beat in production, ``manage.py expire_points`` elsewhere)."""

from celery import shared_task


@shared_task(name="relais.incentives.expire_points", ignore_result=True)
def expire_points_every_brand() -> int:
    """Enqueue the ``incentives_expire`` job of every active brand."""
    from relais.core.jobs import job_enqueue_every_brand

    return job_enqueue_every_brand(kind="incentives_expire")
