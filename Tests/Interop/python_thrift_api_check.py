"""The breadth check: every method of Client.thrift and Hql.thrift (and every deprecated
alias), driven through Hypertable's own Python client (PyPI hypertable==0.9.8.10, converted
to Python 3), with exact expected results. What the expectations say is what Hypertable's
ThriftBroker.cc does (e.g. an empty qualifier or value comes back unset, i.e. None).
The generated client decodes every `binary` reply as UTF-8, so the serialized-cells calls go
by hand (call_raw) and their buffers are read and written by the small codec below, made
from Hypertable's SerializedCellsReader/Writer independently of the emulator's.

Exits 0 when every check holds; otherwise prints every mismatch, one a line, and exits 1.
Each section runs on its own: an unexpected exception is a mismatch of that section, and the
next section still runs. The client's socket timeout bounds every call.

usage: python_thrift_api_check.py HOST PORT
"""
import re
import socket
import struct
import sys
import threading
import time
import traceback
import uuid

from thrift.Thrift import TApplicationException, TMessageType, TType
from thrift.protocol import TBinaryProtocol
from hypertable.thriftclient import ThriftClient
from hyperthrift.gen.ttypes import (
    AccessGroupSpec, Cell, CellInterval, ClientException, ColumnFamilyOptions, ColumnFamilySpec,
    ColumnPredicate, ColumnPredicateOperation, Key, KeyFlag, MutateSpec, MutatorFlag, RowInterval, ScanSpec,
    Schema,
)

TIMEOUT_MS = 20000
THRIFTBROKER_BAD_SCANNER_ID = 0x90001
THRIFTBROKER_BAD_MUTATOR_ID = 0x90002
THRIFTBROKER_BAD_NAMESPACE_ID = 0x90003
BAD_KEY = 9
HQL_PARSE_ERROR = 11
TABLE_NOT_FOUND = 22
BAD_SCAN_SPEC = 30
NAME_ALREADY_IN_USE = 39
NAMESPACE_DOES_NOT_EXIST = 40
NAMESPACE_EXISTS = 42
BAD_SCHEMA = 7
THRIFTBROKER_BAD_FUTURE_ID = 0x90004
SERIALIZATION_INPUT_OVERRUN = 0x80001
SERIALIZATION_VERSION_MISMATCH = 0x80004
NOT_IMPLEMENTED = 31
CANCELLED = 33
NOT_ALLOWED = 44
ALREADY_EXISTS = 48
FAILED_EXPECTATION = -1

failures = []
failures_lock = threading.Lock()
checks = [0]


def fail(message):
    with failures_lock:
        failures.append(message)


def check(label, got, want):
    with failures_lock:
        checks[0] += 1
    if got != want:
        fail(f"{label}: got {got!r}, want {want!r}")


def expect_client_exception(label, code, call):
    with failures_lock:
        checks[0] += 1
    try:
        result = call()
    except ClientException as error:
        if error.code != code:
            fail(f"{label}: ClientException code {error.code:#x} ({error.message!r}), want {code:#x}")
        return
    except Exception as error:  # noqa: BLE001 - any other failure is a mismatch too
        fail(f"{label}: {type(error).__name__} {error!r}, want ClientException {code:#x}")
        return
    fail(f"{label}: returned {result!r}, want ClientException {code:#x}")


# Every call's method name, as the protocol writes it: at the end every method of HqlService
# (Client.thrift's ClientService and Hql.thrift's) must have been called at least once.
CALLED = set()
_write_message_begin = TBinaryProtocol.TBinaryProtocol.writeMessageBegin


def _recording_write_message_begin(self, name, message_type, sequence_id):
    CALLED.add(name)
    return _write_message_begin(self, name, message_type, sequence_id)


TBinaryProtocol.TBinaryProtocol.writeMessageBegin = _recording_write_message_begin


def idl_methods():
    """The service's methods as the generated code declares them (its Iface)."""
    from hyperthrift.gen2 import HqlService
    return {name for name in dir(HqlService.Iface)
            if not name.startswith("_") and callable(getattr(HqlService.Iface, name))}

def connect():
    return ThriftClient(HOST, PORT, timeout_ms=TIMEOUT_MS)


def tuples(cells):
    """(row, family, qualifier, timestamp, value) of each cell, as the client decoded them."""
    return [(c.key.row, c.key.column_family, c.key.column_qualifier, c.key.timestamp, c.value) for c in cells]


def short(cells):
    """(row, family, qualifier, value): for results whose timestamps are the broker's."""
    return [(c.key.row, c.key.column_family, c.key.column_qualifier, c.value) for c in cells]


def drain(client, scanner, read=None):
    read = read or client.next_cells
    out, batches = [], []
    for _ in range(10000):
        cells = read(scanner)
        if not cells:
            return out, batches
        batches.append(len(cells))
        out.extend(cells)
    fail("scanner never reported its end")
    return out, batches


SECTIONS = []


def section(function):
    SECTIONS.append(function)
    return function


# ---------------------------------------------------------------------------------------------
# Namespaces


@section
def namespaces(c, root):
    check("status", c.status().code, 0)
    check("namespace_exists root", c.namespace_exists(root), True)
    check("exists_namespace root", c.exists_namespace(root), True)
    check("namespace_exists missing", c.namespace_exists(root + "/nope"), False)
    c.namespace_create(root + "/sub")
    c.create_namespace(root + "/sub/deep")
    check("nested exists", c.namespace_exists(root + "/sub/deep"), True)
    check("nested exists, slashes", c.namespace_exists("/" + root + "/sub/deep/"), True)
    expect_client_exception("namespace_create existing", NAMESPACE_EXISTS, lambda: c.namespace_create(root + "/sub"))
    expect_client_exception("namespace_create without parent", NAMESPACE_DOES_NOT_EXIST,
                            lambda: c.namespace_create(root + "/nope/child"))
    expect_client_exception("namespace_open missing", NAMESPACE_DOES_NOT_EXIST,
                            lambda: c.namespace_open(root + "/nope"))
    expect_client_exception("open_namespace missing", NAMESPACE_DOES_NOT_EXIST,
                            lambda: c.open_namespace(root + "/nope"))

    ns = c.namespace_open(root)
    c.hql_query(ns, "CREATE TABLE listed (a)")
    want = [("listed", False), ("sub", True)]
    check("namespace_get_listing", [(e.name, e.is_namespace) for e in c.namespace_get_listing(ns)], want)
    check("get_listing", [(e.name, e.is_namespace) for e in c.get_listing(ns)], want)
    sub = c.open_namespace(root + "/sub")
    check("listing of sub", [(e.name, e.is_namespace) for e in c.namespace_get_listing(sub)], [("deep", True)])
    check("get_tables of sub", c.get_tables(sub), [])
    c.close_namespace(sub)
    expect_client_exception("closed namespace id", THRIFTBROKER_BAD_NAMESPACE_ID, lambda: c.get_tables(sub))
    expect_client_exception("namespace_close twice", THRIFTBROKER_BAD_NAMESPACE_ID, lambda: c.namespace_close(sub))

    # Dropping: not while it has children; if_exists both ways; the deprecated alias.
    expect_client_exception("namespace_drop not empty", 0x30013, lambda: c.namespace_drop(root + "/sub", False))
    c.namespace_drop(root + "/sub/deep", False)
    c.drop_namespace(root + "/sub", False)
    check("dropped", c.namespace_exists(root + "/sub"), False)
    c.namespace_drop(root + "/sub", True)
    expect_client_exception("namespace_drop missing", NAMESPACE_DOES_NOT_EXIST,
                            lambda: c.namespace_drop(root + "/sub", False))
    check("listing after drop", [(e.name, e.is_namespace) for e in c.namespace_get_listing(ns)], [("listed", False)])
    c.hql_query(ns, "DROP TABLE listed")
    c.namespace_close(ns)


# ---------------------------------------------------------------------------------------------
# Tables and schemas


@section
def tables(c, root):
    ns = c.namespace_open(root)
    schema = Schema(
        access_groups={"ag1": AccessGroupSpec(name="ag1")},
        column_families={
            "a": ColumnFamilySpec(name="a", access_group="ag1", options=ColumnFamilyOptions(max_versions=3)),
            "b": ColumnFamilySpec(name="b", access_group="ag1"),
            "c": ColumnFamilySpec(name="c", options=ColumnFamilyOptions(ttl=86400)),
        })
    c.table_create(ns, "tbl", schema)
    expect_client_exception("table_create existing", NAME_ALREADY_IN_USE, lambda: c.table_create(ns, "tbl", schema))
    bad = Schema(column_families={"x": ColumnFamilySpec(name="x", access_group="nope")})
    expect_client_exception("table_create undefined access group", BAD_SCHEMA, lambda: c.table_create(ns, "bad", bad))
    check("bad table not created", c.table_exists(ns, "bad"), False)
    check("table_exists", c.table_exists(ns, "tbl"), True)
    check("exists_table", c.exists_table(ns, "tbl"), True)
    check("table_exists missing", c.table_exists(ns, "nope"), False)
    check("get_tables", c.get_tables(ns), ["tbl"])

    got = c.table_get_schema(ns, "tbl")
    check("schema access groups", sorted(got.access_groups), ["ag1", "default"])
    check("schema families", sorted(got.column_families), ["a", "b", "c"])
    fam = got.column_families
    check("family a group", fam["a"].access_group, "ag1")
    check("family c group", fam["c"].access_group, "default")
    check("family a max_versions", fam["a"].options.max_versions if fam["a"].options else None, 3)
    check("family c ttl", fam["c"].options.ttl if fam["c"].options else None, 86400)
    check("family ids distinct and positive",
          sorted(f.id for f in fam.values()) == sorted(set(f.id for f in fam.values())) and min(f.id for f in fam.values()) > 0, True)
    check("family a not deleted", fam["a"].deleted, False)
    check("get_schema equals table_get_schema", c.get_schema(ns, "tbl"), got)

    xml = c.table_get_schema_str(ns, "tbl")
    check("get_schema_str equals table_get_schema_str", c.get_schema_str(ns, "tbl"), xml)
    for needle in ["<Schema>", '<AccessGroup name="ag1">', '<AccessGroup name="default">', "<Name>a</Name>",
                   "<MaxVersions>3</MaxVersions>", "<TTL>86400</TTL>"]:
        check(f"schema xml has {needle}", needle in xml, True)

    # table_alter: the whole schema, with one family more.
    got.column_families["d"] = ColumnFamilySpec(name="d", access_group="default")
    c.table_alter(ns, "tbl", got)
    altered = c.table_get_schema(ns, "tbl")
    check("altered families", sorted(altered.column_families), ["a", "b", "c", "d"])
    check("altered family a keeps its id", altered.column_families["a"].id, fam["a"].id)
    check("new family id is new", altered.column_families["d"].id not in {f.id for f in fam.values()}, True)
    check("<Name>d</Name> in schema str", "<Name>d</Name>" in c.get_schema_str(ns, "tbl"), True)
    c.set_cell(ns, "tbl", Cell(Key("r", "d", "q", 5), "in d"))
    check("write to added family", tuples(c.get_cells(ns, "tbl", ScanSpec())), [("r", "d", "q", 5, "in d")])
    expect_client_exception("table_alter missing", TABLE_NOT_FOUND, lambda: c.table_alter(ns, "nope", got))

    # Renames, both names; the old name is gone, the data moved.
    c.table_rename(ns, "tbl", "tbl2")
    check("renamed", (c.table_exists(ns, "tbl"), c.table_exists(ns, "tbl2")), (False, True))
    c.rename_table(ns, "tbl2", "tbl3")
    check("get_tables after renames", c.get_tables(ns), ["tbl3"])
    check("data follows rename", len(c.get_cells(ns, "tbl3", ScanSpec())), 1)
    expect_client_exception("rename missing", TABLE_NOT_FOUND, lambda: c.table_rename(ns, "tbl", "x"))
    c.table_create(ns, "other", Schema(column_families={"a": ColumnFamilySpec(name="a")}))
    expect_client_exception("rename onto existing", NAME_ALREADY_IN_USE, lambda: c.table_rename(ns, "tbl3", "other"))

    # Drops: if_exists both ways, and the deprecated alias.
    c.table_drop(ns, "tbl3", False)
    c.drop_table(ns, "other", True)
    check("get_tables after drops", c.get_tables(ns), [])
    c.table_drop(ns, "tbl3", True)
    c.drop_table(ns, "tbl3", True)
    expect_client_exception("table_drop missing", TABLE_NOT_FOUND, lambda: c.table_drop(ns, "tbl3", False))
    expect_client_exception("drop_table missing", TABLE_NOT_FOUND, lambda: c.drop_table(ns, "tbl3", False))
    expect_client_exception("get_schema missing", TABLE_NOT_FOUND, lambda: c.table_get_schema(ns, "tbl3"))
    expect_client_exception("get_schema_str missing", TABLE_NOT_FOUND, lambda: c.get_schema_str(ns, "tbl3"))
    c.namespace_close(ns)


# ---------------------------------------------------------------------------------------------
# HQL


@section
def hql(c, root):
    ns = c.namespace_open(root)
    r = c.hql_query(ns, "CREATE TABLE h (c1, c2 MAX_VERSIONS 2)")
    check("create result", (r.results, r.cells, r.scanner, r.mutator), (None, None, None, None))
    check("show tables", c.hql_query(ns, "SHOW TABLES").results, ["h"])
    r = c.hql_exec(ns, "INSERT INTO h VALUES ('1', 'r1', 'c1:x', 'one'), ('2', 'r2', 'c2', 'two')", False, False)
    check("insert result", (r.results, r.cells, r.scanner, r.mutator), (None, None, None, None))
    r = c.hql_query(ns, "SELECT * FROM h")
    check("buffered select", tuples(r.cells), [("r1", "c1", "x", 1, "one"), ("r2", "c2", None, 2, "two")])
    check("buffered select has no scanner", r.scanner, None)
    check("select nothing", c.hql_query(ns, "SELECT * FROM h WHERE ROW = 'zzz'").cells, [])
    check("hql_exec buffered", short(c.hql_exec(ns, "SELECT c2 FROM h", False, False).cells), [("r2", "c2", None, "two")])

    # Unbuffered: a scanner id to read with next_cells.
    r = c.hql_exec(ns, "SELECT * FROM h", False, True)
    check("unbuffered has no cells", r.cells, None)
    if r.scanner is None:
        fail("unbuffered select: no scanner id")
    else:
        got, _ = drain(c, r.scanner)
        check("unbuffered cells", short(got), [("r1", "c1", "x", "one"), ("r2", "c2", None, "two")])
        c.scanner_close(r.scanner)
        expect_client_exception("unbuffered scanner closed", THRIFTBROKER_BAD_SCANNER_ID, lambda: c.next_cells(r.scanner))

    # noflush: the INSERT's mutator comes back for the client to flush and close.
    r = c.hql_exec(ns, "INSERT INTO h VALUES ('r3', 'c1', 'three')", True, False)
    if r.mutator is None:
        fail("hql_exec noflush INSERT: no mutator id")
    else:
        c.mutator_flush(r.mutator)
        c.mutator_close(r.mutator)
        expect_client_exception("noflush mutator closed", THRIFTBROKER_BAD_MUTATOR_ID, lambda: c.mutator_flush(r.mutator))
    check("noflush insert visible", short(c.hql_query(ns, "SELECT c1 FROM h WHERE ROW = 'r3'").cells),
          [("r3", "c1", None, "three")])

    results = c.hql_query(ns, "DESCRIBE TABLE h").results
    check("describe table", results is not None and len(results) == 1 and "<Name>c2</Name>" in results[0], True)
    check("exists table", c.hql_query(ns, "EXISTS TABLE h").results, ["true"])
    c.hql_query(ns, "CREATE NAMESPACE hsub")
    check("get listing", c.hql_query(ns, "GET LISTING").results, ["h", "hsub\t(namespace)"])
    c.hql_query(ns, "DROP NAMESPACE hsub")
    c.hql_query(ns, "DELETE * FROM h WHERE ROW = 'r1'")
    check("after delete", [c.key.row for c in c.hql_query(ns, "SELECT * FROM h").cells], ["r2", "r3"])

    expect_client_exception("parse error", HQL_PARSE_ERROR, lambda: c.hql_query(ns, "SELEKT garbage"))
    expect_client_exception("missing table", TABLE_NOT_FOUND, lambda: c.hql_query(ns, "SELECT * FROM nope"))
    expect_client_exception("create existing table", NAME_ALREADY_IN_USE, lambda: c.hql_query(ns, "CREATE TABLE h (c1)"))
    expect_client_exception("hql on bad namespace id", THRIFTBROKER_BAD_NAMESPACE_ID,
                            lambda: c.hql_query(424242, "SHOW TABLES"))
    c.hql_query(ns, "DROP TABLE h")
    c.namespace_close(ns)


# ---------------------------------------------------------------------------------------------
# Cells: set_cell(s), get_cell(s) with every ScanSpec field, get_row, scanners

SCAN_DATA = [
    ("r1", "a", "x", 300, "r1ax300"), ("r1", "a", "x", 200, "r1ax200"), ("r1", "a", "x", 100, "r1ax100"),
    ("r1", "a", "y", 100, "r1ay"), ("r1", "b", None, 100, "r1b"),
    ("r2", "a", "x", 100, "r2ax"), ("r2", "b", "q", 200, "r2bq"), ("r2", "c", None, 300, "r2c"),
    ("r3", "a", "x", 100, "r3ax"), ("r3", "b", None, 100, "r3b"),
    ("r4", "a", "z", 400, "r4az"),
    ("s1", "a", "x", 100, "s1ax"), ("s1", "c", "foo", 500, "s1cfoo"),
]


def rows_of(*rows):
    return [t for t in SCAN_DATA if t[0] in rows]


@section
def cells_and_scans(c, root):
    ns = c.namespace_open(root)
    c.hql_query(ns, "CREATE TABLE scan (a MAX_VERSIONS 3, b, c)")
    # One cell with set_cell, the rest with set_cells, in a shuffled order.
    first, rest = SCAN_DATA[6], SCAN_DATA[:6] + SCAN_DATA[7:]
    c.set_cell(ns, "scan", Cell(Key(first[0], first[1], first[2], first[3]), first[4]))
    c.set_cells(ns, "scan", [Cell(Key(r, f, q, t), v) for (r, f, q, t, v) in reversed(rest)])

    def scan(label, spec, want):
        check(label, tuples(c.get_cells(ns, "scan", spec)), want)

    scan("everything", ScanSpec(), SCAN_DATA)
    scan("row interval inclusive", ScanSpec(row_intervals=[RowInterval("r2", True, "r3", True)]), rows_of("r2", "r3"))
    scan("row interval exclusive", ScanSpec(row_intervals=[RowInterval("r2", False, "r4", False)]), rows_of("r3"))
    scan("row interval half open", ScanSpec(row_intervals=[RowInterval("r1", True, "r2", False)]), rows_of("r1"))
    scan("row interval open start", ScanSpec(row_intervals=[RowInterval(None, True, "r1", True)]), rows_of("r1"))
    scan("row interval open end", ScanSpec(row_intervals=[RowInterval("r4", True, None, True)]), rows_of("r4", "s1"))
    scan("two row intervals", ScanSpec(row_intervals=[RowInterval("r1", True, "r1", True), RowInterval("r4", True, "s1", True)]),
         rows_of("r1", "r4", "s1"))
    scan("cell interval", ScanSpec(cell_intervals=[CellInterval("r1", "a:y", True, "r2", "b:q", True)]),
         [t for t in SCAN_DATA if t[4] in ("r1ay", "r1b", "r2ax", "r2bq")])
    scan("cell interval exclusive", ScanSpec(cell_intervals=[CellInterval("r1", "a:y", False, "r2", "b:q", False)]),
         [t for t in SCAN_DATA if t[4] in ("r1b", "r2ax")])
    scan("columns family", ScanSpec(columns=["b"]), [t for t in SCAN_DATA if t[1] == "b"])
    scan("columns family:qualifier", ScanSpec(columns=["a:x"]), [t for t in SCAN_DATA if t[1] == "a" and t[2] == "x"])
    scan("columns mixed", ScanSpec(columns=["a:y", "c"]), [t for t in SCAN_DATA if (t[1], t[2]) == ("a", "y") or t[1] == "c"])
    scan("versions 1", ScanSpec(versions=1), [t for t in SCAN_DATA if t[4] not in ("r1ax200", "r1ax100")])
    scan("versions 2", ScanSpec(versions=2), [t for t in SCAN_DATA if t[4] != "r1ax100"])
    scan("row_limit", ScanSpec(row_limit=2), rows_of("r1", "r2"))
    scan("cell_limit", ScanSpec(cell_limit=3), SCAN_DATA[:3])
    scan("cell_limit_per_family", ScanSpec(cell_limit_per_family=1),
         [t for t in SCAN_DATA if t[4] in ("r1ax300", "r1b", "r2ax", "r2bq", "r2c", "r3ax", "r3b", "r4az", "s1ax", "s1cfoo")])
    scan("row_offset", ScanSpec(row_offset=3), rows_of("r4", "s1"))
    scan("cell_offset", ScanSpec(cell_offset=10), SCAN_DATA[10:])
    scan("time interval [200, 400)", ScanSpec(start_time=200, end_time=400),
         [t for t in SCAN_DATA if 200 <= t[3] < 400])
    scan("start_time only", ScanSpec(start_time=400), [t for t in SCAN_DATA if t[3] >= 400])
    scan("keys_only", ScanSpec(keys_only=True, row_intervals=[RowInterval("r2", True, "r2", True)]),
         [(r, f, q, t, None) for (r, f, q, t, v) in rows_of("r2")])
    scan("row_regexp", ScanSpec(row_regexp="^r[23]$"), rows_of("r2", "r3"))
    scan("value_regexp", ScanSpec(value_regexp="ax"), [t for t in SCAN_DATA if "ax" in t[4]])
    scan("row and value regexp", ScanSpec(row_regexp="^r", value_regexp="^r.b"), [t for t in SCAN_DATA if t[4] in ("r1b", "r2bq", "r3b")])
    scan("column predicate exact", ScanSpec(columns=["b"], column_predicates=[
        ColumnPredicate("b", None, ColumnPredicateOperation.EXACT_MATCH, "r3b")]), [("r3", "b", None, 100, "r3b")])
    scan("column predicate prefix", ScanSpec(columns=["b"], column_predicates=[
        ColumnPredicate("b", None, ColumnPredicateOperation.PREFIX_MATCH, "r2")]), [("r2", "b", "q", 200, "r2bq")])
    scan("column predicate qualifier", ScanSpec(columns=["c"], column_predicates=[
        ColumnPredicate("c", "foo", ColumnPredicateOperation.QUALIFIER_EXACT_MATCH, None)]), [("s1", "c", "foo", 500, "s1cfoo")])
    scan("limits combined", ScanSpec(columns=["a"], versions=1, row_limit=2, row_intervals=[RowInterval("r1", False, None, True)]),
         [("r2", "a", "x", 100, "r2ax"), ("r3", "a", "x", 100, "r3ax")])
    expect_client_exception("bad scan spec (start > end)", BAD_SCAN_SPEC,
                            lambda: c.get_cells(ns, "scan", ScanSpec(row_intervals=[RowInterval("b", True, "a", True)])))
    expect_client_exception("get_cells missing table", TABLE_NOT_FOUND, lambda: c.get_cells(ns, "nope", ScanSpec()))

    # get_cell: newest version of one cell; "" when absent.
    check("get_cell family:qualifier", c.get_cell(ns, "scan", "r1", "a:x"), "r1ax300")
    check("get_cell family", c.get_cell(ns, "scan", "r3", "b"), "r3b")
    check("get_cell absent", c.get_cell(ns, "scan", "r9", "a:x"), "")
    expect_client_exception("get_cell missing table", TABLE_NOT_FOUND, lambda: c.get_cell(ns, "nope", "r1", "a"))
    check("get_row", tuples(c.get_row(ns, "scan", "r2")), rows_of("r2"))
    check("get_row absent", c.get_row(ns, "scan", "zz"), [])

    # Scanners: both names of every scanner call.
    s = c.scanner_open(ns, "scan", ScanSpec(row_intervals=[RowInterval("r2", True, "s1", True)]))
    got, _ = drain(c, s)
    check("scanner_open/next_cells", tuples(got), rows_of("r2", "r3", "r4", "s1"))
    check("next_cells after the end", c.next_cells(s), [])
    c.scanner_close(s)
    s = c.open_scanner(ns, "scan", ScanSpec(versions=1))
    rows = []
    for _ in range(100):
        row = c.next_row(s)
        if not row:
            break
        rows.append([t[0] for t in tuples(row)])
    check("next_row rows", rows, [["r1"] * 3, ["r2"] * 3, ["r3"] * 2, ["r4"], ["s1"] * 2])
    c.close_scanner(s)
    s = c.scanner_open(ns, "scan", ScanSpec())
    check("scanner_get_row", [t[0] for t in tuples(c.scanner_get_row(s))], ["r1"] * 5)
    got, _ = drain(c, s, c.scanner_get_cells)
    check("scanner_get_cells rest", tuples(got), SCAN_DATA[5:])
    c.scanner_close(s)
    expect_client_exception("scanner closed", THRIFTBROKER_BAD_SCANNER_ID, lambda: c.scanner_close(s))
    expect_client_exception("scanner_open missing table", TABLE_NOT_FOUND, lambda: c.scanner_open(ns, "nope", ScanSpec()))
    c.hql_query(ns, "DROP TABLE scan")
    c.namespace_close(ns)


@section
def batching(c, root):
    """next_cells hands out about 512 KiB a call: 2000 cells of 1 KiB take several calls."""
    ns = c.namespace_open(root)
    c.hql_query(ns, "CREATE TABLE big (v)")
    m = c.mutator_open(ns, "big", 0, 0)
    want = {}
    for start in range(0, 2000, 250):
        batch = []
        for i in range(start, start + 250):
            row = f"row{i:05d}"
            value = (f"{i:05d}" * 205)[:1024]
            want[row] = value
            batch.append(Cell(Key(row, "v", None), value))
        c.mutator_set_cells(m, batch)
    c.mutator_close(m)
    s = c.scanner_open(ns, "big", ScanSpec())
    got, batches = drain(c, s)
    c.scanner_close(s)
    check("batched cell count", len(got), 2000)
    check("every cell once, in order", [x.key.row for x in got], sorted(want))
    check("values intact", all(x.value == want.get(x.key.row) for x in got), True)
    check("more than one batch", len(batches) >= 3, True)
    check("no batch far above 512 KiB", max(batches or [0]) <= 520, True)
    c.hql_query(ns, "DROP TABLE big")
    c.namespace_close(ns)


# ---------------------------------------------------------------------------------------------
# Mutators and deletes


@section
def mutators(c, root):
    ns = c.namespace_open(root)
    c.hql_query(ns, "CREATE TABLE del (a, b)")
    m = c.mutator_open(ns, "del", 0, 0)
    data = [
        ("d1", "a", "x", 100, "v"), ("d1", "b", "y", 100, "w"),
        ("d2", "a", "x", 100, "v"), ("d2", "a", "z", 100, "v"), ("d2", "b", "y", 100, "w"),
        ("d3", "a", "w", 100, "v"), ("d3", "a", "x", 200, "v2"), ("d3", "a", "x", 100, "v1"),
        ("d4", "a", "x", 300, "v3"), ("d4", "a", "x", 200, "v2"), ("d4", "a", "x", 100, "v1"),
    ]
    c.mutator_set_cells(m, [Cell(Key(r, f, q, t), v) for (r, f, q, t, v) in data])
    c.mutator_set_cell(m, Cell(Key("d5", "b", None, 100), "single"))
    c.mutator_flush(m)
    check("written", tuples(c.get_cells(ns, "del", ScanSpec())), data + [("d5", "b", None, 100, "single")])
    c.mutator_set_cells(m, [
        Cell(Key("d1", None, None, None, None, KeyFlag.DELETE_ROW)),
        Cell(Key("d2", "a", None, None, None, KeyFlag.DELETE_CF)),
        Cell(Key("d3", "a", "x", None, None, KeyFlag.DELETE_CELL)),
        Cell(Key("d4", "a", "x", 200, None, KeyFlag.DELETE_CELL_VERSION)),
    ])
    c.mutator_set_cell(m, Cell(Key("d5", "b", None, None, None, KeyFlag.DELETE_CELL)))
    c.mutator_flush(m)
    c.mutator_close(m)
    remaining = [("d2", "b", "y", 100, "w"), ("d3", "a", "w", 100, "v"), ("d4", "a", "x", 300, "v3"),
                 ("d4", "a", "x", 100, "v1")]
    check("after deletes", tuples(c.get_cells(ns, "del", ScanSpec())), remaining)
    deletes = c.get_cells(ns, "del", ScanSpec(return_deletes=True))
    flags = sorted({x.key.flag for x in deletes})
    check("return_deletes shows every kind of marker", flags,
          sorted({KeyFlag.DELETE_ROW, KeyFlag.DELETE_CF, KeyFlag.DELETE_CELL, KeyFlag.DELETE_CELL_VERSION, KeyFlag.INSERT}))
    check("return_deletes keeps live cells", [t for t in tuples(deletes) if t in remaining], remaining)
    check("version marker", [(x.key.row, x.key.column_family, x.key.column_qualifier, x.key.timestamp)
                             for x in deletes if x.key.flag == KeyFlag.DELETE_CELL_VERSION], [("d4", "a", "x", 200)])

    # The deprecated names; errors.
    m = c.open_mutator(ns, "del", 0, 0)
    c.mutator_set_cell(m, Cell(Key("d6", "a", None, 7), "via alias"))
    expect_client_exception("DELETE_CELL_VERSION without timestamp", BAD_KEY, lambda: c.mutator_set_cell(
        m, Cell(Key("d6", "a", None, None, None, KeyFlag.DELETE_CELL_VERSION))))
    expect_client_exception("unknown family", BAD_KEY, lambda: c.mutator_set_cell(m, Cell(Key("d6", "zz", None), "x")))
    expect_client_exception("empty row", BAD_KEY, lambda: c.mutator_set_cell(m, Cell(Key("", "a", None), "x")))
    c.flush_mutator(m)
    c.close_mutator(m)
    check("alias mutator wrote", c.get_cell(ns, "del", "d6", "a"), "via alias")
    m = c.mutator_open(ns, "del", MutatorFlag.IGNORE_UNKNOWN_CFS, 0)
    c.mutator_set_cells(m, [Cell(Key("d7", "zz", None), "dropped"), Cell(Key("d7", "a", None, 1), "kept")])
    c.mutator_close(m)
    check("IGNORE_UNKNOWN_CFS", short(c.get_row(ns, "del", "d7")), [("d7", "a", None, "kept")])
    expect_client_exception("mutator_open missing table", TABLE_NOT_FOUND, lambda: c.mutator_open(ns, "nope", 0, 0))
    expect_client_exception("set_cells missing table", TABLE_NOT_FOUND,
                            lambda: c.set_cells(ns, "nope", [Cell(Key("r", "a", None), "v")]))
    expect_client_exception("set_cell unknown family", BAD_KEY, lambda: c.set_cell(ns, "del", Cell(Key("r", "zz", None), "v")))
    c.hql_query(ns, "DROP TABLE del")
    c.namespace_close(ns)


# ---------------------------------------------------------------------------------------------
# Misc: error_get_text, status, bad ids, binary-ish values, an unknown method


@section
def misc(c, root):
    check("status code", c.status().code, 0)
    check("error_get_text 22", c.error_get_text(22), "HYPERTABLE table does not exist")
    check("error_get_text 0", c.error_get_text(0), "HYPERTABLE ok")
    check("error_get_text unknown", c.error_get_text(123456789), "ERROR NOT REGISTERED")
    for label, code, call in [
        ("next_cells bad id", THRIFTBROKER_BAD_SCANNER_ID, lambda: c.next_cells(987654321)),
        ("next_row bad id", THRIFTBROKER_BAD_SCANNER_ID, lambda: c.next_row(987654321)),
        ("scanner_close bad id", THRIFTBROKER_BAD_SCANNER_ID, lambda: c.scanner_close(987654321)),
        ("mutator_set_cell bad id", THRIFTBROKER_BAD_MUTATOR_ID, lambda: c.mutator_set_cell(987654321, Cell(Key("r", "a", None), "v"))),
        ("mutator_set_cells bad id", THRIFTBROKER_BAD_MUTATOR_ID, lambda: c.mutator_set_cells(987654321, [])),
        ("mutator_flush bad id", THRIFTBROKER_BAD_MUTATOR_ID, lambda: c.mutator_flush(987654321)),
        ("mutator_close bad id", THRIFTBROKER_BAD_MUTATOR_ID, lambda: c.mutator_close(987654321)),
        ("namespace_close bad id", THRIFTBROKER_BAD_NAMESPACE_ID, lambda: c.namespace_close(987654321)),
        ("get_tables bad id", THRIFTBROKER_BAD_NAMESPACE_ID, lambda: c.get_tables(987654321)),
        ("get_listing bad id", THRIFTBROKER_BAD_NAMESPACE_ID, lambda: c.namespace_get_listing(987654321)),
        ("table_exists bad id", THRIFTBROKER_BAD_NAMESPACE_ID, lambda: c.table_exists(987654321, "t")),
        ("scanner_open bad id", THRIFTBROKER_BAD_NAMESPACE_ID, lambda: c.scanner_open(987654321, "t", ScanSpec())),
        ("mutator_open bad id", THRIFTBROKER_BAD_NAMESPACE_ID, lambda: c.mutator_open(987654321, "t", 0, 0)),
    ]:
        expect_client_exception(label, code, call)

    # Non-ASCII UTF-8 in rows, qualifiers and values.
    ns = c.namespace_open(root)
    c.hql_query(ns, "CREATE TABLE utf (v)")
    cells = [("café", "v", "clé", 1, "crème brûlée"), ("日本", "v", None, 2, "東京 — 大阪"), ("ñ", "v", "ü", 3, "€ ☃ 𝄞")]
    c.set_cells(ns, "utf", [Cell(Key(r, f, q, t), v) for (r, f, q, t, v) in cells])
    want = sorted(cells, key=lambda t: t[0].encode())
    check("utf-8 round trip", tuples(c.get_cells(ns, "utf", ScanSpec())), want)
    check("utf-8 get_cell", c.get_cell(ns, "utf", "日本", "v"), "東京 — 大阪")
    check("utf-8 row interval", [t[0] for t in tuples(c.get_cells(ns, "utf", ScanSpec(row_intervals=[RowInterval("日", True, "日本", True)])))], ["日本"])
    check("utf-8 hql", short(c.hql_query(ns, "SELECT * FROM utf WHERE ROW = 'café'").cells), [("café", "v", "clé", "crème brûlée")])
    c.hql_query(ns, "DROP TABLE utf")
    c.namespace_close(ns)


@section
def unknown_method(c, root):
    """A method the broker does not serve: TApplicationException UNKNOWN_METHOD; the
    connection stays in step and keeps working."""
    iprot, oprot = c._iprot, c._oprot
    for name in ["no_such_method_at_all", "hql_exec3"]:
        oprot.writeMessageBegin(name, TMessageType.CALL, 77)
        oprot.writeStructBegin("args")
        oprot.writeFieldBegin("capacity", TType.I32, 1)
        oprot.writeI32(10)
        oprot.writeFieldEnd()
        oprot.writeFieldStop()
        oprot.writeStructEnd()
        oprot.writeMessageEnd()
        oprot.trans.flush()
        fname, mtype, seqid = iprot.readMessageBegin()
        check(f"{name}: reply type", mtype, TMessageType.EXCEPTION)
        check(f"{name}: reply name and seqid", (fname, seqid), (name, 77))
        error = TApplicationException()
        error.read(iprot)
        iprot.readMessageEnd()
        check(f"{name}: exception type", error.type, TApplicationException.UNKNOWN_METHOD)
        check(f"{name}: exception names the method", name in (error.message or ""), True)
        check(f"{name}: connection still works", c.status().code, 0)


def raw_call(c, name, write_arguments):
    """Sends one call by hand (the generated structs write `binary` fields as UTF-8 text, so
    bytes that are not UTF-8 need the protocol directly); returns the protocol positioned at
    the result struct."""
    oprot, iprot = c._oprot, c._iprot
    oprot.writeMessageBegin(name, TMessageType.CALL, 5)
    oprot.writeStructBegin("args")
    write_arguments(oprot)
    oprot.writeFieldStop()
    oprot.writeStructEnd()
    oprot.writeMessageEnd()
    oprot.trans.flush()
    fname, mtype, _ = iprot.readMessageBegin()
    if mtype != TMessageType.REPLY:
        error = TApplicationException()
        error.read(iprot)
        iprot.readMessageEnd()
        raise error
    return iprot


def read_result(iprot):
    """field 0 as bytes (or the ClientException code of field 1) of a reply struct."""
    success, code = None, None
    iprot.readStructBegin()
    while True:
        _, ftype, fid = iprot.readFieldBegin()
        if ftype == TType.STOP:
            break
        if fid == 0 and ftype == TType.STRING:
            success = iprot.readBinary()
        elif fid == 1 and ftype == TType.STRUCT:
            error = ClientException()
            error.read(iprot)
            code = error.code
        else:
            iprot.skip(ftype)
        iprot.readFieldEnd()
    iprot.readStructEnd()
    iprot.readMessageEnd()
    return success, code


@section
def raw_binary(c, root):
    """Rows and values that are not UTF-8, written and read with the protocol by hand (the
    generated client encodes every `binary` field from a Python str as UTF-8 and decodes
    replies as UTF-8). get_cell's `column` is a Thrift `string`, so it stays text here."""
    ns = c.namespace_open(root)
    c.hql_query(ns, "CREATE TABLE bin (v)")
    row, value = b"\xffrow\xfe\x80", bytes(range(256))

    def set_cell(p):
        p.writeFieldBegin("ns", TType.I64, 1); p.writeI64(ns); p.writeFieldEnd()
        p.writeFieldBegin("table_name", TType.STRING, 2); p.writeString("bin"); p.writeFieldEnd()
        p.writeFieldBegin("cell", TType.STRUCT, 3)
        p.writeStructBegin("Cell")
        p.writeFieldBegin("key", TType.STRUCT, 1)
        p.writeStructBegin("Key")
        p.writeFieldBegin("row", TType.STRING, 1); p.writeBinary(row); p.writeFieldEnd()
        p.writeFieldBegin("column_family", TType.STRING, 2); p.writeString("v"); p.writeFieldEnd()
        p.writeFieldBegin("column_qualifier", TType.STRING, 3); p.writeBinary(b"q"); p.writeFieldEnd()
        p.writeFieldStop(); p.writeStructEnd(); p.writeFieldEnd()
        p.writeFieldBegin("value", TType.STRING, 2); p.writeBinary(value); p.writeFieldEnd()
        p.writeFieldStop(); p.writeStructEnd(); p.writeFieldEnd()

    check("raw set_cell", read_result(raw_call(c, "set_cell", set_cell)), (None, None))

    def get_cell(p):
        p.writeFieldBegin("ns", TType.I64, 1); p.writeI64(ns); p.writeFieldEnd()
        p.writeFieldBegin("table_name", TType.STRING, 2); p.writeString("bin"); p.writeFieldEnd()
        p.writeFieldBegin("row", TType.STRING, 3); p.writeBinary(row); p.writeFieldEnd()
        p.writeFieldBegin("column", TType.STRING, 4); p.writeString("v:q"); p.writeFieldEnd()

    check("raw get_cell: every byte value back", read_result(raw_call(c, "get_cell", get_cell)), (value, None))
    check("connection after raw calls", c.status().code, 0)
    c.hql_query(ns, "DROP TABLE bin")
    c.namespace_close(ns)


@section
def concurrent_writers(c, root):
    """8 threads, each with its own connection and mutator, 500 cells each: every acknowledged
    cell is there afterwards, whole."""
    ns = c.namespace_open(root)
    c.hql_query(ns, "CREATE TABLE conc (v)")
    c.namespace_close(ns)
    acknowledged = [[] for _ in range(8)]

    def writer(t):
        try:
            w = connect()
            try:
                wns = w.namespace_open(root)
                m = w.mutator_open(wns, "conc", 0, 0)
                for start in range(0, 500, 25):
                    batch = [(f"t{t}-{i:04d}", f"{t}:{i}:" + "x" * (i % 97)) for i in range(start, start + 25)]
                    w.mutator_set_cells(m, [Cell(Key(r, "v", str(t)), v) for r, v in batch])
                    acknowledged[t].extend(batch)
                w.mutator_flush(m)
                w.mutator_close(m)
                w.namespace_close(wns)
            finally:
                w.close()
        except Exception as error:  # noqa: BLE001
            fail(f"writer {t}: {error!r}")

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        if thread.is_alive():
            fail("a writer thread did not finish in 60 s")
    ns = c.namespace_open(root)
    got = {(x.key.row, x.key.column_qualifier): x.value for x in c.get_cells(ns, "conc", ScanSpec())}
    want = {(r, str(t)): v for t in range(8) for r, v in acknowledged[t]}
    check("acknowledged writes", len(want), 4000)
    check("concurrent cells present", len(got), len(want))
    missing = [k for k in want if k not in got]
    torn = [k for k in want if k in got and got[k] != want[k]]
    check("lost writes", missing[:5], [])
    check("torn writes", torn[:5], [])
    c.hql_query(ns, "DROP TABLE conc")
    c.namespace_close(ns)


# ---------------------------------------------------------------------------------------------
# Serialized cells (CellsSerialized), decoded and encoded here independently of the emulator,
# from Hypertable's SerializedCellsReader.cc / SerializedCellsWriter.cc: little-endian i32
# version 1; per cell a flags byte (0x40 HAVE_TIMESTAMP + i64, 0x20 AUTO_TIMESTAMP, 0x80
# HAVE_REVISION + i64, 0x10 REV_IS_TS), row NUL (a lone NUL repeats the previous row), family
# NUL, qualifier NUL, i32 value length, value, cell flag byte; then the end byte EOB (0x01) |
# EOS (0x02) | FLUSH (0x04).

EOB, EOS, FLUSH = 0x01, 0x02, 0x04
AUTO = None


def decode_serialized(buf):
    """(cells, end flags): cells as (row, family, qualifier, timestamp, value, flag) bytes/ints."""
    if len(buf) < 4 or struct.unpack_from("<i", buf, 0)[0] != 1:
        raise ValueError(f"bad version in {buf[:8]!r}")
    pos, cells, previous, timestamp = 4, [], None, None
    while True:
        flags = buf[pos]
        pos += 1
        if flags & EOB:
            if pos != len(buf):
                raise ValueError(f"{len(buf) - pos} bytes after the end byte")
            return cells, flags
        if flags & 0x40:
            timestamp = struct.unpack_from("<q", buf, pos)[0]
            pos += 8
        elif flags & 0x20:
            timestamp = AUTO
        if flags & 0x80 and not flags & 0x10:
            pos += 8
        end = buf.index(b"\0", pos)
        row = buf[pos:end] or previous
        previous = row
        pos = end + 1
        end = buf.index(b"\0", pos)
        family = buf[pos:end]
        pos = end + 1
        end = buf.index(b"\0", pos)
        qualifier = buf[pos:end]
        pos = end + 1
        length = struct.unpack_from("<i", buf, pos)[0]
        pos += 4
        value = buf[pos:pos + length]
        pos += length
        cells.append((row, family, qualifier, timestamp, value, buf[pos]))
        pos += 1


def encode_serialized(cells, end=EOB | EOS):
    """cells as (row, family, qualifier, timestamp or AUTO, value, flag), str or bytes."""
    out, previous = bytearray(struct.pack("<i", 1)), None
    for row, family, qualifier, timestamp, value, flag in cells:
        row, family, qualifier, value = (x.encode() if isinstance(x, str) else x for x in (row, family, qualifier, value))
        if timestamp is AUTO:
            out.append(0x20)
        else:
            out.append(0x40)
            out += struct.pack("<q", timestamp)
        if row != previous:
            out += row
            previous = row
        out += b"\0" + family + b"\0" + qualifier + b"\0" + struct.pack("<i", len(value)) + value
        out.append(flag)
    out.append(end)
    return bytes(out)


def read_value(iprot, ttype):
    """Any Thrift value, strings as bytes, structs as {field id: value}."""
    if ttype == TType.STRUCT:
        fields = {}
        iprot.readStructBegin()
        while True:
            _, ftype, fid = iprot.readFieldBegin()
            if ftype == TType.STOP:
                break
            fields[fid] = read_value(iprot, ftype)
            iprot.readFieldEnd()
        iprot.readStructEnd()
        return fields
    if ttype == TType.LIST:
        etype, size = iprot.readListBegin()
        items = [read_value(iprot, etype) for _ in range(size)]
        iprot.readListEnd()
        return items
    return {TType.STRING: iprot.readBinary, TType.BOOL: iprot.readBool, TType.I32: iprot.readI32,
            TType.I64: iprot.readI64, TType.BYTE: iprot.readByte, TType.I16: iprot.readI16}[ttype]()


def call_raw(c, name, *fields):
    """Calls `name` with fields (id, TType, value) written by hand (bytes as binary); answers
    the result struct as read_value reads it, raising ClientException for field 1."""
    def write(p):
        for fid, ftype, value in fields:
            p.writeFieldBegin("f", ftype, fid)
            if ftype == TType.STRING:
                p.writeBinary(value if isinstance(value, bytes) else value.encode())
            elif ftype == TType.I64:
                p.writeI64(value)
            elif ftype == TType.I32:
                p.writeI32(value)
            elif ftype == TType.BOOL:
                p.writeBool(value)
            p.writeFieldEnd()
    result = read_value(raw_call(c, name, write), TType.STRUCT)
    c._iprot.readMessageEnd()
    if 1 in result:
        raise ClientException(result[1].get(1), (result[1].get(2) or b"").decode())
    return result.get(0)


def as_tuples(decoded):
    return [(r.decode(), f.decode(), q.decode(), t, v.decode()) for (r, f, q, t, v, _) in decoded]


def arrays(cells):
    """tuples() of cells, as the array interface answers them (five strings)."""
    return [[r, f, q or "", v or "", str(t)] for (r, f, q, t, v) in tuples(cells)]


@section
def arrays_and_serialized(c, root):
    ns = c.namespace_open(root)
    c.hql_query(ns, "CREATE TABLE arr (a MAX_VERSIONS 3, b)")

    # Writes as arrays: 5 strings, fewer (auto timestamp), a hex timestamp (strtoll base 0).
    c.set_cells_as_arrays(ns, "arr", [["r1", "a", "x", "v1", "100"], ["r1", "b", "", "v2", "0x10"], ["r2", "a", "", "v3"]])
    c.set_cell_as_array(ns, "arr", ["r3", "a", "q", "v4", "7"])
    got = c.get_cells_as_arrays(ns, "arr", ScanSpec())
    check("set/get as arrays", [g for g in got if g[0] != "r2"],
          [["r1", "a", "x", "v1", "100"], ["r1", "b", "", "v2", "16"], ["r3", "a", "q", "v4", "7"]])
    r2 = [g for g in got if g[0] == "r2"]
    check("auto timestamp as decimal", len(r2) == 1 and r2[0][:4] == ["r2", "a", "", "v3"] and r2[0][4].isdigit()
          and int(r2[0][4]) > 10 ** 18, True)
    check("get_cells_as_arrays equals get_cells", got, arrays(c.get_cells(ns, "arr", ScanSpec())))
    check("get_row_as_arrays", c.get_row_as_arrays(ns, "arr", "r1"), [["r1", "a", "x", "v1", "100"], ["r1", "b", "", "v2", "16"]])
    expect_client_exception("CellAsArray of 8", BAD_KEY, lambda: c.set_cell_as_array(ns, "arr", ["r"] * 8))
    expect_client_exception("CellAsArray bad timestamp", BAD_KEY,
                            lambda: c.set_cells_as_arrays(ns, "arr", [["r9", "a", "", "v", "soon"]]))
    expect_client_exception("a bad table before a bad CellAsArray", TABLE_NOT_FOUND,
                            lambda: c.set_cells_as_arrays(ns, "nope", [["r9", "a", "", "v", "soon"]]))
    expect_client_exception("a bad namespace before a bad CellAsArray", THRIFTBROKER_BAD_NAMESPACE_ID,
                            lambda: c.set_cell_as_array(987654321, "arr", ["r"] * 8))
    expect_client_exception("CellAsArray flag > 255", BAD_KEY,
                            lambda: c.set_cell_as_array(ns, "arr", ["r9", "a", "", "", "1", "1", "256"]))
    # A 7-element array carries revision and flag: a DELETE_CELL of r3 a:q.
    c.set_cell_as_array(ns, "arr", ["r3", "a", "q", "", "8", "0", "2"])
    check("7-element delete", [g[0] for g in c.get_cells_as_arrays(ns, "arr", ScanSpec())], ["r1", "r1", "r2"])

    # Mutators with arrays.
    m = c.mutator_open(ns, "arr", 0, 0)
    c.mutator_set_cell_as_array(m, ["m1", "a", "", "mv1", "1"])
    c.mutator_set_cells_as_arrays(m, [["m2", "a", "", "mv2", "2"], ["m2", "b", "z", "mv3", "3"]])
    expect_client_exception("mutator_set_cell_as_array bad id", THRIFTBROKER_BAD_MUTATOR_ID,
                            lambda: c.mutator_set_cell_as_array(987654321, ["m", "a"]))
    c.mutator_close(m)
    check("mutator arrays", c.get_cells_as_arrays(ns, "arr", ScanSpec(row_intervals=[RowInterval("m1", True, "m2", True)])),
          [["m1", "a", "", "mv1", "1"], ["m2", "a", "", "mv2", "2"], ["m2", "b", "z", "mv3", "3"]])

    # Scanners: cells and rows as arrays, current and deprecated names.
    s = c.scanner_open(ns, "arr", ScanSpec())
    check("next_row_as_arrays", [g[0] for g in c.next_row_as_arrays(s)], ["m1"])
    check("scanner_get_row_as_arrays", [g[0] for g in c.scanner_get_row_as_arrays(s)], ["m2", "m2"])
    check("next_cells_as_arrays", [g[0] for g in c.next_cells_as_arrays(s)], ["r1", "r1", "r2"])
    check("scanner_get_cells_as_arrays at the end", c.scanner_get_cells_as_arrays(s), [])
    check("scanner_get_cells at the end", c.scanner_get_cells(s), [])
    c.scanner_close(s)
    expect_client_exception("next_cells_as_arrays bad id", THRIFTBROKER_BAD_SCANNER_ID, lambda: c.next_cells_as_arrays(s))

    # HQL with cells as arrays: HqlResult2 and HqlResultAsArrays.
    want = arrays(c.get_cells(ns, "arr", ScanSpec(columns=["b"])))
    check("hql_query2", c.hql_query2(ns, "SELECT b FROM arr").cells, want)
    check("hql_query_as_arrays", c.hql_query_as_arrays(ns, "SELECT b FROM arr").cells, want)
    check("hql_exec2 buffered", c.hql_exec2(ns, "SELECT b FROM arr", False, False).cells, want)
    check("hql_exec_as_arrays results", c.hql_exec_as_arrays(ns, "SHOW TABLES", False, False).results, ["arr"])
    r = c.hql_exec2(ns, "SELECT b FROM arr", False, True)
    check("hql_exec2 unbuffered", (r.cells, r.scanner is not None), (None, True))
    if r.scanner is not None:
        check("hql_exec2 scanner", c.next_cells_as_arrays(r.scanner), want)
        c.scanner_close(r.scanner)
    r = c.hql_exec_as_arrays(ns, "INSERT INTO arr VALUES ('h1', 'a', 'hv')", True, False)
    check("hql_exec_as_arrays noflush mutator", r.mutator is not None, True)
    if r.mutator is not None:
        c.mutator_close(r.mutator)
    expect_client_exception("hql_query2 parse error", HQL_PARSE_ERROR, lambda: c.hql_query2(ns, "SELEKT"))

    # Serialized reads: the same cells as get_cells, ended EOB|EOS.
    everything = c.get_cells(ns, "arr", ScanSpec())
    buf = call_raw(c, "get_cells_serialized", (1, TType.I64, ns), (2, TType.STRING, "arr"))
    cells, end = decode_serialized(buf)
    check("get_cells_serialized cells", as_tuples(cells), [(r, f, q or "", t, v or "") for (r, f, q, t, v) in tuples(everything)])
    check("get_cells_serialized end", end, EOB | EOS)
    check("serialized flags of cells", sorted({x[5] for x in cells}), [255])
    row_buf = call_raw(c, "get_row_serialized", (1, TType.I64, ns), (2, TType.STRING, "arr"), (3, TType.STRING, "r1"))
    check("get_row_serialized", as_tuples(decode_serialized(row_buf)[0]), [("r1", "a", "x", 100, "v1"), ("r1", "b", "", 16, "v2")])
    check("row repeated as a lone NUL", row_buf.count(b"r1"), 1)
    s = c.scanner_open(ns, "arr", ScanSpec(row_intervals=[RowInterval("zz", True, "zz", True)]))
    check("empty scan serialized", call_raw(c, "next_cells_serialized", (1, TType.I64, s)), b"\x01\x00\x00\x00\x03")
    c.scanner_close(s)
    s = c.scanner_open(ns, "arr", ScanSpec())
    rows = []
    for name in ["next_row_serialized", "scanner_get_row_serialized"] * 4:
        got_cells, end = decode_serialized(call_raw(c, name, (1, TType.I64, s)))
        rows.append(({x[0].decode() for x in got_cells}, len(got_cells), end))
    check("rows serialized", rows, [({"h1"}, 1, EOB), ({"m1"}, 1, EOB), ({"m2"}, 2, EOB), ({"r1"}, 2, EOB),
                                    ({"r2"}, 1, EOB | EOS), (set(), 0, EOB | EOS), (set(), 0, EOB | EOS), (set(), 0, EOB | EOS)])
    c.scanner_close(s)
    expect_client_exception("next_cells_serialized bad id", THRIFTBROKER_BAD_SCANNER_ID,
                            lambda: call_raw(c, "next_cells_serialized", (1, TType.I64, s)))

    # Batches of next_cells_serialized are cut at ThriftBroker.NextThreshold (512 KiB):
    # three 300 kB values go one per buffer, the last one ended EOS.
    c.hql_query(ns, "CREATE TABLE big (v)")
    c.set_cells(ns, "big", [Cell(Key(f"b{i}", "v", None, i + 1), str(i) * 300_000) for i in range(3)])
    s = c.scanner_open(ns, "big", ScanSpec())
    batches = []
    for name in ["next_cells_serialized", "scanner_get_cells_serialized", "next_cells_serialized"]:
        got_cells, end = decode_serialized(call_raw(c, name, (1, TType.I64, s)))
        batches.append(([x[0].decode() for x in got_cells], end, all(len(x[4]) == 300_000 for x in got_cells)))
    check("serialized batches", batches, [(["b0"], EOB, True), (["b1"], EOB, True), (["b2"], EOB | EOS, True)])
    c.scanner_close(s)

    # Serialized writes: explicit and auto timestamps, a repeated row, a delete, and errors.
    buf = encode_serialized([("s1", "a", "x", 11, "sv1", 255), ("s1", "b", "", AUTO, "sv2", 255),
                             ("s2", "a", "", 12, "sv3", 255), ("s2", "a", "", 12, "", 3)])
    check("set_cells_serialized", call_raw(c, "set_cells_serialized", (1, TType.I64, ns), (2, TType.STRING, "arr"),
                                           (3, TType.STRING, buf)), None)
    got = tuples(c.get_cells(ns, "arr", ScanSpec(row_intervals=[RowInterval("s1", True, "s2", True)])))
    check("serialized cells written", [(r, f, q, v) for (r, f, q, t, v) in got], [("s1", "a", "x", "sv1"), ("s1", "b", None, "sv2")])
    check("serialized timestamps", got[0][3] == 11 and got[1][3] > 10 ** 18, True)
    m = c.mutator_open(ns, "arr", 0, 0)
    call_raw(c, "mutator_set_cells_serialized", (1, TType.I64, m), (2, TType.STRING, encode_serialized(
        [("s3", "a", "", 1, "w1", 255)], end=EOB)), (3, TType.BOOL, False))
    call_raw(c, "mutator_set_cells_serialized", (1, TType.I64, m), (2, TType.STRING, encode_serialized(
        [("s4", "a", "", 1, "w2", 255)], end=EOB | FLUSH)), (3, TType.BOOL, True))
    c.mutator_close(m)
    check("mutator serialized", short(c.get_cells(ns, "arr", ScanSpec(row_intervals=[RowInterval("s3", True, "s4", True)]))),
          [("s3", "a", None, "w1"), ("s4", "a", None, "w2")])
    expect_client_exception("serialized version 2", SERIALIZATION_VERSION_MISMATCH, lambda: call_raw(
        c, "set_cells_serialized", (1, TType.I64, ns), (2, TType.STRING, "arr"), (3, TType.STRING, b"\x02\x00\x00\x00\x03")))
    expect_client_exception("a bad table before a bad buffer", TABLE_NOT_FOUND, lambda: call_raw(
        c, "set_cells_serialized", (1, TType.I64, ns), (2, TType.STRING, "nope"), (3, TType.STRING, b"\x02\x00\x00\x00\x03")))
    expect_client_exception("serialized truncated", SERIALIZATION_INPUT_OVERRUN, lambda: call_raw(
        c, "set_cells_serialized", (1, TType.I64, ns), (2, TType.STRING, "arr"), (3, TType.STRING, buf[:-3])))
    expect_client_exception("serialized bad mutator", THRIFTBROKER_BAD_MUTATOR_ID, lambda: call_raw(
        c, "mutator_set_cells_serialized", (1, TType.I64, 987654321), (2, TType.STRING, buf)))
    expect_client_exception("serialized unknown family", BAD_KEY, lambda: call_raw(
        c, "set_cells_serialized", (1, TType.I64, ns), (2, TType.STRING, "arr"),
        (3, TType.STRING, encode_serialized([("s5", "zz", "", 1, "v", 255)]))))
    c.hql_query(ns, "DROP TABLE big")
    c.hql_query(ns, "DROP TABLE arr")
    c.namespace_close(ns)


# ---------------------------------------------------------------------------------------------
# Futures with async scanners and mutators


def result_tuple(r):
    return (r.is_empty, r.is_scan, r.is_error)


@section
def futures(c, root):
    ns = c.namespace_open(root)
    c.hql_query(ns, "CREATE TABLE fut (a, b)")
    data = [Cell(Key(f"r{i}", "a", None, i + 1), f"v{i}") for i in range(5)]
    c.set_cells(ns, "fut", data)
    want = tuples(c.get_cells(ns, "fut", ScanSpec()))

    ff = c.future_open(0)
    check("new future", (c.future_is_empty(ff), c.future_is_full(ff), c.future_is_cancelled(ff),
                         c.future_has_outstanding(ff)), (True, False, False, False))
    r = c.get_future_result(ff, 0)
    check("idle future result", (r.is_empty, r.id), (True, 0))

    # An async scanner's cells arrive as scan results carrying its id; then the future is done.
    s = c.async_scanner_open(ns, "fut", ff, ScanSpec())
    check("future has a result", c.future_is_empty(ff), False)
    r = c.future_get_result(ff, 5000)
    check("scan result", (result_tuple(r), r.id), ((False, True, False), s))
    check("scan result cells", tuples(r.cells or []), want)
    r = c.get_future_result(ff, 5000)
    check("after the scan", (r.is_empty, c.future_has_outstanding(ff), c.future_is_empty(ff)), (True, False, True))
    c.async_scanner_close(s)
    expect_client_exception("async_scanner_close twice", THRIFTBROKER_BAD_SCANNER_ID, lambda: c.close_scanner_async(s))

    # The same through the array and serialized results, and the deprecated names.
    s = c.open_scanner_async(ns, "fut", ff, ScanSpec(columns=["a"], row_limit=2))
    r = c.future_get_result_as_arrays(ff, 0)
    check("as arrays result", (result_tuple(r), r.id, r.cells), ((False, True, False), s, arrays(data[:2])))
    c.close_scanner_async(s)
    s = c.async_scanner_open(ns, "fut", ff, ScanSpec(row_limit=1))
    result = call_raw(c, "get_future_result_serialized", (1, TType.I64, ff), (2, TType.I32, 1000))
    check("serialized result flags", (result[1], result[2], result[3], result[4]), (False, s, True, False))
    check("serialized result cells", (as_tuples(decode_serialized(result[7])[0]), decode_serialized(result[7])[1]),
          ([("r0", "a", "", 1, "v0")], EOB | EOS))
    c.async_scanner_close(s)
    s = c.async_scanner_open(ns, "fut", ff, ScanSpec(row_limit=1, columns=["a"]))
    r = c.get_future_result_as_arrays(ff, 1000)
    check("get_future_result_as_arrays", (r.id, r.cells), (s, [["r0", "a", "", "v0", "1"]]))
    c.async_scanner_close(s)
    s = c.async_scanner_open(ns, "fut", ff, ScanSpec(row_limit=1))
    result = call_raw(c, "future_get_result_serialized", (1, TType.I64, ff))
    check("future_get_result_serialized", (result[2], as_tuples(decode_serialized(result[7])[0])), (s, [("r0", "a", "", 1, "v0")]))
    c.async_scanner_close(s)
    empty = call_raw(c, "future_get_result_serialized", (1, TType.I64, ff))
    check("empty serialized result", (empty[1], empty[2], 7 in empty), (True, 0, False))

    # Capacity: a 1-byte future holds one batch; the scanner waits (has_outstanding) until
    # results are taken. Three 300 kB cells take two batches (512 KiB threshold).
    c.hql_query(ns, "CREATE TABLE futbig (v)")
    c.set_cells(ns, "futbig", [Cell(Key(f"b{i}", "v", None, i + 1), str(i) * 300_000) for i in range(3)])
    small = c.open_future(1)
    s = c.async_scanner_open(ns, "futbig", small, ScanSpec())
    check("small future full and outstanding", (c.future_is_full(small), c.future_has_outstanding(small)), (True, True))
    rows, results = [], 0
    for _ in range(10):
        r = c.get_future_result(small, 5000)
        if r.is_empty:
            break
        results += 1
        rows += [x.key.row for x in (r.cells or [])]
    check("every cell through the small future", rows, ["b0", "b1", "b2"])
    check("more than one result", results >= 2, True)
    check("small future done", (c.future_has_outstanding(small), c.future_is_full(small)), (False, False))
    c.async_scanner_close(s)
    c.close_future(small)

    # Cancelling a scanner drops its queued results; cancelling the future drops everything
    # and refuses new scanners (CANCELLED).
    s = c.async_scanner_open(ns, "fut", ff, ScanSpec())
    c.async_scanner_cancel(s)
    check("cancelled scanner's results skipped", c.get_future_result(ff, 1000).is_empty, True)
    c.cancel_scanner_async(s)
    c.async_scanner_close(s)
    expect_client_exception("async_scanner_cancel closed", THRIFTBROKER_BAD_SCANNER_ID, lambda: c.async_scanner_cancel(s))
    doomed = c.future_open(0)
    s = c.async_scanner_open(ns, "fut", doomed, ScanSpec())
    c.future_cancel(doomed)
    check("cancelled future", (c.future_is_cancelled(doomed), c.future_is_empty(doomed), c.get_future_result(doomed, 0).is_empty),
          (True, True, True))
    c.cancel_future(doomed)
    expect_client_exception("scanner on a cancelled future", CANCELLED,
                            lambda: c.async_scanner_open(ns, "fut", doomed, ScanSpec()))
    expect_client_exception("mutator on a cancelled future", CANCELLED,
                            lambda: c.async_mutator_open(ns, "fut", doomed, 0))
    c.async_scanner_close(s)
    c.future_close(doomed)

    # Async mutators: cells applied, a flush queues an update result (not a scan, no cells).
    m = c.async_mutator_open(ns, "fut", ff, 0)
    c.async_mutator_set_cell(m, Cell(Key("m1", "a", None, 1), "mv1"))
    c.set_cell_async(m, Cell(Key("m2", "a", None, 1), "mv2"))
    c.async_mutator_set_cells(m, [Cell(Key("m3", "b", "q", 1), "mv3")])
    c.set_cells_async(m, [Cell(Key("m4", "a", None, 1), "mv4")])
    c.async_mutator_set_cell_as_array(m, ["m5", "a", "", "mv5", "1"])
    c.set_cell_as_array_async(m, ["m6", "a", "", "mv6", "1"])
    c.async_mutator_set_cells_as_arrays(m, [["m7", "a", "", "mv7", "1"]])
    c.set_cells_as_arrays_async(m, [["m8", "a", "", "mv8", "1"]])
    call_raw(c, "async_mutator_set_cells_serialized", (1, TType.I64, m),
             (2, TType.STRING, encode_serialized([("m9", "a", "", 1, "mv9", 255)])), (3, TType.BOOL, False))
    call_raw(c, "set_cells_serialized_async", (1, TType.I64, m),
             (2, TType.STRING, encode_serialized([("n1", "a", "", 1, "nv1", 255)])), (3, TType.BOOL, False))
    expect_client_exception("async mutator unknown family", BAD_KEY,
                            lambda: c.async_mutator_set_cell(m, Cell(Key("m1", "zz", None), "x")))
    check("nothing reported before a flush", c.future_is_empty(ff), True)
    c.async_mutator_flush(m)
    r = c.get_future_result(ff, 1000)
    check("update result", (result_tuple(r), r.id, r.cells), ((False, False, False), m, None))
    check("async mutator cells", [x.key.row for x in c.get_cells(ns, "fut", ScanSpec(row_intervals=[RowInterval("m", True, "n9", True)]))],
          ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9", "n1"])
    c.flush_mutator_async(m)
    check("a flush with nothing new reports nothing", c.future_is_empty(ff), True)
    c.set_cell_async(m, Cell(Key("m1", "a", None, 2), "again"))
    c.async_mutator_flush(m)
    expect_client_exception("update result as arrays", NOT_IMPLEMENTED, lambda: c.future_get_result_as_arrays(ff, 0))
    c.set_cell_async(m, Cell(Key("m1", "a", None, 3), "cancelled"))
    c.async_mutator_cancel(m)
    c.cancel_mutator_async(m)
    c.async_mutator_flush(m)
    check("cancelled mutator reports nothing", c.get_future_result(ff, 0).is_empty, True)
    c.async_mutator_close(m)
    expect_client_exception("async_mutator_close twice", THRIFTBROKER_BAD_MUTATOR_ID, lambda: c.close_mutator_async(m))
    m = c.open_mutator_async(ns, "fut", ff, MutatorFlag.IGNORE_UNKNOWN_CFS)
    c.async_mutator_set_cells(m, [Cell(Key("k1", "zz", None, 1), "dropped"), Cell(Key("k1", "a", None, 1), "kept")])
    c.close_mutator_async(m)
    r = c.get_future_result(ff, 1000)
    check("close flushes", (result_tuple(r), r.id), ((False, False, False), m))
    check("IGNORE_UNKNOWN_CFS async", short(c.get_row(ns, "fut", "k1")), [("k1", "a", None, "kept")])

    # Bad ids.
    for label, call in [
        ("future_get_result", lambda: c.future_get_result(987654321, 0)),
        ("future_is_empty", lambda: c.future_is_empty(987654321)),
        ("future_is_full", lambda: c.future_is_full(987654321)),
        ("future_is_cancelled", lambda: c.future_is_cancelled(987654321)),
        ("future_has_outstanding", lambda: c.future_has_outstanding(987654321)),
        ("future_cancel", lambda: c.future_cancel(987654321)),
        ("async_scanner_open", lambda: c.async_scanner_open(ns, "fut", 987654321, ScanSpec())),
        ("async_mutator_open", lambda: c.async_mutator_open(ns, "fut", 987654321, 0)),
    ]:
        expect_client_exception(f"{label} bad future", THRIFTBROKER_BAD_FUTURE_ID, call)
    expect_client_exception("async_scanner_open missing table", TABLE_NOT_FOUND,
                            lambda: c.async_scanner_open(ns, "nope", ff, ScanSpec()))
    expect_client_exception("async_scanner_open bad namespace", THRIFTBROKER_BAD_NAMESPACE_ID,
                            lambda: c.async_scanner_open(987654321, "fut", ff, ScanSpec()))
    expect_client_exception("async_mutator_flush bad id", THRIFTBROKER_BAD_MUTATOR_ID, lambda: c.async_mutator_flush(987654321))
    c.future_close(ff)
    expect_client_exception("closed future", THRIFTBROKER_BAD_FUTURE_ID, lambda: c.get_future_result(ff, 0))
    expect_client_exception("close_future twice", THRIFTBROKER_BAD_FUTURE_ID, lambda: c.close_future(ff))
    c.hql_query(ns, "DROP TABLE futbig")
    c.hql_query(ns, "DROP TABLE fut")
    c.namespace_close(ns)


# ---------------------------------------------------------------------------------------------
# Shared mutators: broker-wide, keyed by namespace, table and the whole MutateSpec, written at
# each flush interval


def poll(label, read, want, seconds=10):
    deadline = time.time() + seconds
    while True:
        got = read()
        if got == want or time.time() > deadline:
            check(label, got, want)
            return
        time.sleep(0.05)


@section
def shared_mutators(c, root):
    ns = c.namespace_open(root)
    c.hql_query(ns, "CREATE TABLE sh (a, b)")
    spec = MutateSpec("app", 1500, MutatorFlag.IGNORE_UNKNOWN_CFS)
    offered = time.time()
    c.offer_cell(ns, "sh", spec, Cell(Key("r1", "a", None, 1), "v1"))
    c.shared_mutator_set_cell(ns, "sh", spec, Cell(Key("r2", "a", None, 1), "v2"))
    c.offer_cells(ns, "sh", spec, [Cell(Key("r3", "a", None, 1), "v3"), Cell(Key("r3", "zz", None, 1), "unknown family")])
    c.shared_mutator_set_cells(ns, "sh", spec, [Cell(Key("r4", "b", None, 1), "v4")])
    c.offer_cell_as_array(ns, "sh", spec, ["r5", "a", "", "v5", "1"])
    c.shared_mutator_set_cell_as_array(ns, "sh", spec, ["r6", "a", "", "v6", "1"])
    c.offer_cells_as_arrays(ns, "sh", spec, [["r7", "a", "", "v7", "1"]])
    c.shared_mutator_set_cells_as_arrays(ns, "sh", spec, [["r8", "a", "", "v8", "1"]])
    before = len(c.get_cells(ns, "sh", ScanSpec()))
    if time.time() - offered < 1.2:
        check("nothing written before the flush interval", before, 0)
    # Another connection sees the flushed cells too: the mutator is the broker's.
    other = connect()
    try:
        other_ns = other.namespace_open(root)
        poll("written at the flush interval", lambda: [x.key.row for x in other.get_cells(other_ns, "sh", ScanSpec())],
             [f"r{i}" for i in range(1, 9)])
        check("not before the interval", time.time() - offered >= 1.4, True)
    finally:
        other.close()

    # flush_interval 0: no periodic flush; shared_mutator_refresh replaces the mutator, and
    # the old one flushes as it goes.
    lazy = MutateSpec("lazy", 0, 0)
    c.offer_cell(ns, "sh", lazy, Cell(Key("z1", "a", None, 1), "z"))
    time.sleep(0.3)
    check("interval 0 holds cells", c.get_cells(ns, "sh", ScanSpec(row_intervals=[RowInterval("z1", True, "z1", True)])), [])
    c.shared_mutator_refresh(ns, "sh", lazy)
    check("refresh flushes", short(c.get_row(ns, "sh", "z1")), [("z1", "a", None, "z")])
    c.offer_cell(ns, "sh", lazy, Cell(Key("z2", "a", None, 1), "z"))
    c.refresh_shared_mutator(ns, "sh", lazy)
    check("refresh_shared_mutator flushes", short(c.get_row(ns, "sh", "z2")), [("z2", "a", None, "z")])

    expect_client_exception("unknown family without IGNORE_UNKNOWN_CFS", BAD_KEY,
                            lambda: c.offer_cell(ns, "sh", lazy, Cell(Key("z3", "zz", None), "x")))
    expect_client_exception("offer to a missing table", TABLE_NOT_FOUND,
                            lambda: c.offer_cells(ns, "nope", spec, [Cell(Key("r", "a", None), "x")]))
    expect_client_exception("refresh a missing table", TABLE_NOT_FOUND, lambda: c.shared_mutator_refresh(ns, "nope", spec))
    expect_client_exception("offer on a bad namespace", THRIFTBROKER_BAD_NAMESPACE_ID,
                            lambda: c.offer_cell(987654321, "sh", spec, Cell(Key("r", "a", None), "x")))
    c.hql_query(ns, "DROP TABLE sh")
    c.namespace_close(ns)


# ---------------------------------------------------------------------------------------------
# Table metadata and the rest: ids, schema with ids, splits, refresh, GUIDs, unique cells,
# shutdown


@section
def tables_and_misc(c, root):
    c.namespace_create(root + "/meta")
    ns = c.namespace_open(root + "/meta")
    for name in ["t1", "t2"]:
        c.hql_query(ns, f"CREATE TABLE {name} (a, b MAX_VERSIONS 2)")
    id1, id2 = c.table_get_id(ns, "t1"), c.get_table_id(ns, "t2")
    prefix = id1.rsplit("/", 1)[0]
    check("table ids: the namespace's id, then 0, 1", (re.fullmatch(r"\d+(/\d+)+", prefix) is not None, id1, id2),
          (True, prefix + "/0", prefix + "/1"))
    c.table_rename(ns, "t2", "t2b")
    check("rename keeps the id", c.table_get_id(ns, "t2b"), id2)
    c.table_drop(ns, "t1", False)
    c.hql_query(ns, "CREATE TABLE t3 (a)")
    check("ids are not reused", c.table_get_id(ns, "t3"), prefix + "/2")
    expect_client_exception("table_get_id missing", TABLE_NOT_FOUND, lambda: c.table_get_id(ns, "t1"))

    with_ids = c.table_get_schema_str_with_ids(ns, "t2b")
    check("schema with ids", ('<ColumnFamily id="1">' in with_ids, "<Generation>" in with_ids,
                              '<ColumnFamily id="1">' in c.table_get_schema_str(ns, "t2b")), (True, True, False))
    check("get_schema_str_with_ids", c.get_schema_str_with_ids(ns, "t2b"), with_ids)
    check("equals DESCRIBE TABLE WITH IDS", c.hql_query(ns, "DESCRIBE TABLE WITH IDS t2b").results, [with_ids])
    expect_client_exception("schema with ids missing", TABLE_NOT_FOUND, lambda: c.table_get_schema_str_with_ids(ns, "t1"))

    splits = c.table_get_splits(ns, "t2b")
    check("one split", [(s.start_row, s.end_row, s.location, s.ip_address, s.hostname) for s in splits],
          [("", None, "rs1", "127.0.0.1", socket.gethostname())])
    check("get_table_splits", c.get_table_splits(ns, "t2b"), splits)
    expect_client_exception("splits missing", TABLE_NOT_FOUND, lambda: c.table_get_splits(ns, "t1"))
    c.refresh_table(ns, "t2b")
    expect_client_exception("refresh_table missing", TABLE_NOT_FOUND, lambda: c.refresh_table(ns, "t1"))
    expect_client_exception("refresh_table bad namespace", THRIFTBROKER_BAD_NAMESPACE_ID, lambda: c.refresh_table(987654321, "t"))

    guids = {c.generate_guid() for _ in range(20)}
    check("generate_guid: 20 distinct", len(guids), 20)
    check("generate_guid: version 4 UUIDs", all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", g)
                                                 for g in guids), True)

    c.hql_query(ns, "CREATE TABLE uniq (a TIME_ORDER DESC MAX_VERSIONS 1, b)")
    guid = c.create_cell_unique(ns, "uniq", Key("u1", "a", None), "")
    check("create_cell_unique makes a GUID", re.fullmatch(r"[0-9a-f-]{36}", guid) is not None, True)
    check("and writes it", c.get_cell(ns, "uniq", "u1", "a"), guid)
    expect_client_exception("create_cell_unique on a taken cell", ALREADY_EXISTS,
                            lambda: c.create_cell_unique(ns, "uniq", Key("u1", "a", None), "other"))
    check("the first value stays first", c.get_cell(ns, "uniq", "u1", "a"), guid)
    check("create_cell_unique with a value", c.create_cell_unique(ns, "uniq", Key("u2", "a", None), "mine"), "mine")
    expect_client_exception("create_cell_unique not TIME_ORDER DESC", BAD_SCAN_SPEC,
                            lambda: c.create_cell_unique(ns, "uniq", Key("u3", "b", None), "x"))
    expect_client_exception("create_cell_unique unknown family", FAILED_EXPECTATION,
                            lambda: c.create_cell_unique(ns, "uniq", Key("u3", "zz", None), "x"))
    expect_client_exception("create_cell_unique missing table", TABLE_NOT_FOUND,
                            lambda: c.create_cell_unique(ns, "nope", Key("u3", "a", None), "x"))

    expect_client_exception("shutdown refused", NOT_ALLOWED, lambda: c.shutdown())
    check("connection after shutdown", c.status().code, 0)
    for name in ["t2b", "t3", "uniq"]:
        c.table_drop(ns, name, False)
    c.namespace_close(ns)
    c.namespace_drop(root + "/meta", False)


def shared_ids(root):
    """Ids belong to the client's address, not to one connection (ServerHandlerFactory):
    a namespace opened on A works on B; once every connection from here is closed, it is gone."""
    a, b = connect(), connect()
    ns = a.namespace_open(root)
    check("id from A works on B", b.get_tables(ns), [])
    scanner_table_ns = b.namespace_open(root)
    b.hql_query(scanner_table_ns, "CREATE TABLE shared (v)")
    s = b.scanner_open(scanner_table_ns, "shared", ScanSpec())
    check("scanner from B read on A", a.next_cells(s), [])
    a.scanner_close(s)
    b.hql_query(scanner_table_ns, "DROP TABLE shared")
    a.close()
    check("id still valid while B is open", b.get_tables(ns), [])
    b.close()
    deadline = time.time() + 5
    while True:
        c = connect()
        try:
            c.get_tables(ns)
        except ClientException as error:
            check("id after every connection closed", error.code, THRIFTBROKER_BAD_NAMESPACE_ID)
            return c
        if time.time() > deadline:
            fail("namespace id still valid 5 s after every connection closed")
            return c
        c.close()
        time.sleep(0.05)


def main():
    started = time.time()
    root = "interop_api_" + uuid.uuid4().hex[:8]
    c = connect()
    c.namespace_create(root)
    for run in SECTIONS:
        try:
            run(c, root)
        except Exception:  # noqa: BLE001 - the section's remaining checks are lost: say so
            fail(f"section {run.__name__} raised:\n" + traceback.format_exc())
            c.close()
            c = connect()
    c.close()
    try:
        c = shared_ids(root)
        c.namespace_drop(root, False)
        check("root dropped", c.namespace_exists(root), False)
        c.close()
    except Exception:  # noqa: BLE001
        fail("shared ids raised:\n" + traceback.format_exc())

    missing = sorted(idl_methods() - CALLED)
    if missing:
        fail(f"{len(missing)} IDL methods never called: {', '.join(missing)}")
    checks[0] += 1
    elapsed = time.time() - started
    if failures:
        print(f"thrift api check: {len(failures)} mismatches ({checks[0]} checks, {elapsed:.1f} s):")
        print("\n".join(failures))
        return 1
    print(f"thrift api check: all {checks[0]} checks passed ({len(SECTIONS) + 1} sections, {elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    HOST, PORT = sys.argv[1], int(sys.argv[2])
    sys.exit(main())
