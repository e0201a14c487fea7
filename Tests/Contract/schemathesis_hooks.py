"""Constraints between request parts that openapi.yaml states in words, because JSON Schema
cannot relate one parameter to another: schemathesis only generates requests that keep them
(run-schemathesis.sh sets SCHEMATHESIS_HOOKS to this module). Everything a single schema can
say is in openapi.yaml itself.

- scanCells: `row_prefix` excludes `start_row` and `end_row`; `row_offset` and `cell_offset`
  exclude each other (when both are above 0); `start_time` is not after `end_time`.
- `?encoding=base64` makes the row parameters (and the path's row) base64, which must decode
  to at least one byte, and makes a cell's byte members base64 unless the cell says `utf8`.
"""
import re

import schemathesis

BASE64 = re.compile(r"^[A-Za-z0-9+/]*=*$")
NON_EMPTY_BASE64 = re.compile(r"^[A-Za-z0-9+/]{2,}=*$")


def _number(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _scan_ok(query):
    if query.get("row_prefix") is not None and (query.get("start_row") is not None or query.get("end_row") is not None):
        return False
    row_offset, cell_offset = _number(query.get("row_offset")), _number(query.get("cell_offset"))
    if row_offset and cell_offset and row_offset > 0 and cell_offset > 0:
        return False
    start, end = _number(query.get("start_time")), _number(query.get("end_time"))
    if start is not None and end is not None and start > end:
        return False
    if query.get("encoding") == "base64":
        for name in ("start_row", "end_row"):
            if isinstance(query.get(name), str) and not BASE64.match(query[name]):
                return False
        if isinstance(query.get("row_prefix"), str) and not NON_EMPTY_BASE64.match(query["row_prefix"]):
            return False
    return True


def _cells_ok(cells):
    if not isinstance(cells, list):
        return True
    for cell in cells:
        if not isinstance(cell, dict):
            continue
        for name, pattern in (("row", NON_EMPTY_BASE64), ("column_qualifier", BASE64), ("value", BASE64)):
            if cell.get(name + "_encoding") in (None, "base64") and isinstance(cell.get(name), str) \
                    and not pattern.match(cell[name]):
                return False
    return True


@schemathesis.hook
def filter_case(ctx, case):
    query = case.query or {}
    if case.path.endswith("/cells") and case.method.upper() == "GET":
        return _scan_ok(query)
    if query.get("encoding") != "base64":
        return True
    if "/rows/" in case.path:
        row = (case.path_parameters or {}).get("row")
        return not isinstance(row, str) or bool(NON_EMPTY_BASE64.match(row))
    if case.path.endswith("/cells") and case.method.upper() == "POST":
        return _cells_ok(case.body)
    return True
