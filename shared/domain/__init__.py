"""Pure domain: no I/O, no AWS. Times are timezone-aware datetimes."""
