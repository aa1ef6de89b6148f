"""Celery entry point for jobs when RELAIS_TASK_BACKEND=celery.

The job row holds status, progress and result, so Celery keeps no result. ``acks_late`` with
``reject_on_worker_lost`` redelivers a job whose worker died; ``job_run`` skips jobs already finished.
"""

from celery import shared_task

from relais.core.jobs import job_run


@shared_task(name="relais.run_job", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_job(job_id: int) -> None:
    job_run(job_id)
