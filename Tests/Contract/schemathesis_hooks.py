"""Constraints between request parts that openapi.yaml states in words, because JSON Schema
cannot relate one parameter to another: schemathesis only generates requests that keep them
(run-schemathesis.sh sets SCHEMATHESIS_HOOKS to this module). Everything a single schema can
say is in openapi.yaml itself.

- scanCells and deleteCellRange: `row_prefix` excludes `start_row` and `end_row`;
  `row_offset` and `cell_offset` exclude each other (when both are above 0); `start_time` is
  not after `end_time`. deleteCellRange needs at least one row, column, time or regexp filter.
- `?encoding=base64` makes the row parameters (and the path's row) base64, which must decode
  to at least one byte, the qualifier in `?column=family:qualifier` base64, a written cell's
  byte members base64 unless the cell says `utf8`, and rows:get's string rows base64.
- rows:get: a `{"base64": ...}` row decodes to at least one byte; `start_time` is not after
  `end_time`.
- Paging: a `cursor` is one the gateway signed, and comes alone; schemathesis cannot make
  one, so no generated request carries it (the XCTest suite and try-nginx.sh follow real
  cursors). scanCells with `limit` does not ask for `return_deletes`.
"""
import re

import schemathesis

# Whole quanta, then a last one of 2 or 3 characters, padded or not: a length of 4n+1, or
# padding that does not complete a quantum, is no base64 the gateway decodes.
_QUANTA = r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?"
BASE64 = re.compile(r"^" + _QUANTA + r"$")
NON_EMPTY_BASE64 = re.compile(r"^(?=[A-Za-z0-9+/]{2})" + _QUANTA + r"$")


def _number(value):
    try:
        return int(float(value)) if isinstance(value, float) else int(value)
    except (TypeError, ValueError, OverflowError):
        return None


def _scan_ok(query):
    if query.get("cursor") is not None:
        return False
    if query.get("limit") is not None and query.get("return_deletes") in (True, "true"):
        return False
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


RANGE_FILTERS = ("start_row", "end_row", "row_prefix", "columns", "start_time", "end_time", "row_regexp",
                 "value_regexp")


def _rows_ok(body, base64):
    if not isinstance(body, dict) or not isinstance(body.get("rows"), list):
        return True
    start, end = _number(body.get("start_time")), _number(body.get("end_time"))
    if start is not None and end is not None and start > end:
        return False
    for row in body["rows"]:
        if isinstance(row, dict) and isinstance(row.get("base64"), str) and not NON_EMPTY_BASE64.match(row["base64"]):
            return False
        if base64 and isinstance(row, str) and not NON_EMPTY_BASE64.match(row):
            return False
    return True


@schemathesis.hook
def filter_case(ctx, case):
    query = case.query or {}
    method = case.method.upper()
    base64 = query.get("encoding") == "base64"
    if case.path.endswith("/cells") and method in ("GET", "DELETE"):
        if method == "DELETE" and not any(query.get(name) is not None for name in RANGE_FILTERS):
            return False
        return _scan_ok(query)
    if case.path.endswith("/query") and query.get("cursor") is not None:
        return False
    if case.path.endswith("/rows:get"):
        return _rows_ok(case.body, base64)
    if not base64:
        return True
    row = (case.path_parameters or {}).get("row")
    if isinstance(row, str) and not NON_EMPTY_BASE64.match(row):
        return False
    column = query.get("column")
    if isinstance(column, str) and ":" in column and not BASE64.match(column.split(":", 1)[1]):
        return False
    if case.path.endswith("/cells") and method == "POST":
        return _cells_ok(case.body)
    return True
