"""The one place the portal imports Django's Tasks API from (DEP 14).

Django 5.2 has it through the maintained backport `django-tasks`; on Django 6 this module's imports
become `from django.tasks import ...` and nothing else changes. Which backend runs the tasks (the
database with `manage.py db_worker`, RQ on Redis with `rqworker`, or at once in tests) is settings
only: `TASKS_BACKEND` (see umkm_portal/settings.py and the README).
"""

from __future__ import annotations

from django_tasks import (
    DEFAULT_TASK_QUEUE_NAME,
    TaskContext,
    TaskResult,
    TaskResultStatus,
    default_task_backend,
    task,
    task_backends,
)
from django_tasks.exceptions import TaskResultDoesNotExist

# Long work (exports, imports, reports) waits in its own queue, so that a 100,000-row import never
# holds back a password-reset email; `make run` starts one worker for both.
JOBS_QUEUE = "jobs"
MESSAGES_QUEUE = DEFAULT_TASK_QUEUE_NAME

__all__ = [
    "JOBS_QUEUE",
    "MESSAGES_QUEUE",
    "TaskContext",
    "TaskResult",
    "TaskResultDoesNotExist",
    "TaskResultStatus",
    "default_task_backend",
    "task",
    "task_backends",
]
