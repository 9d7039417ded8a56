"""The imports app's writes: importing the SSDA903 missing table and agency extracts, correcting a kept-aside
row, applying events that waited for linkage, and the SSDA903 and Annex A missing returns.

This module is the app's public surface; the work is split by job behind it:

- ``rows``: batches and kept-aside rows, what every import shares (a savepoint per row, the counts, the audit);
- ``ssda903``: the SSDA903 missing table import;
- ``extract``: agency extracts (people and events), at once or in the worker, and events waiting for linkage;
- ``corrections``: importing a kept-aside row again with corrected values;
- ``returns``: the SSDA903 missing table and Annex A list 8 returns, built in the worker or written at once.

Each import checks permission, then writes inside one transaction with a savepoint per row: a row that breaks
a rule is kept aside (RejectedRow) and never half-applied, and the rest go in. One IMPORT_RUN audit row
records the counts.
"""

from .corrections import rejected_row_reimport
from .extract import (
    EventWaits,
    ExtractFile,
    agency_extract_import,
    agency_extract_import_job_run,
    agency_extract_import_request,
    extract_files_collect,
    waiting_events_apply,
)
from .returns import (
    annex_a_missing_export,
    return_build_request,
    return_build_run,
    return_csv_write,
    return_file_download,
    return_files_delete_expired,
    ssda903_missing_export,
)
from .ssda903 import ssda903_missing_import, ssda903_missing_import_job_run, ssda903_missing_import_request

__all__ = [
    "EventWaits",
    "ExtractFile",
    "agency_extract_import",
    "agency_extract_import_job_run",
    "agency_extract_import_request",
    "annex_a_missing_export",
    "extract_files_collect",
    "rejected_row_reimport",
    "return_build_request",
    "return_build_run",
    "return_csv_write",
    "return_file_download",
    "return_files_delete_expired",
    "ssda903_missing_export",
    "ssda903_missing_import",
    "ssda903_missing_import_job_run",
    "ssda903_missing_import_request",
    "waiting_events_apply",
]
