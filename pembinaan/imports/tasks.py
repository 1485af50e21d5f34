"""Background tasks of the imports app."""

from __future__ import annotations

from pembinaan.imports import services
from pembinaan.lib.tasks import task


@task()
def drop_old_files() -> int:
    """Delete the raw files of imports abandoned for IMPORT_FILE_HOURS (NIKs, phone numbers)."""
    return services.imports_drop_old_files()


def drop_old_files_enqueue() -> None:
    """The upkeep chore: the deleting itself runs as a task, in a worker's turn."""
    drop_old_files.enqueue()
