"""Periodic work of the network domain (Celery beat in production, ``manage.py recompute_segments`` elsewhere)."""

from celery import shared_task


@shared_task(name="relais.network.refresh_every_brand", ignore_result=True)
def network_refresh_every_brand() -> int:
    """Enqueue the nightly ``network_refresh`` job (tiers, then segments) of every active brand."""
    from relais.core.jobs import job_enqueue_every_brand

    return job_enqueue_every_brand(kind="network_refresh")
