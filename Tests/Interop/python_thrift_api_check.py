"""The breadth check: every ThriftBroker method the emulator serves (and its deprecated
alias), driven through Hypertable's own Python client (PyPI hypertable==0.9.8.10, converted
to Python 3), with exact expected results. What the expectations say is what Hypertable's
ThriftBroker.cc does (e.g. an empty qualifier or value comes back unset, i.e. None).

Exits 0 when every check holds; otherwise prints every mismatch, one a line, and exits 1.
Each section runs on its own: an unexpected exception is a mismatch of that section, and the
next section still runs. The client's socket timeout bounds every call.

usage: python_thrift_api_check.py HOST PORT
"""
import sys
import threading
import time
import traceback
import uuid

from thrift.Thrift import TApplicationException, TMessageType, TType
from hypertable.thriftclient import ThriftClient
from hyperthrift.gen.ttypes import (
    AccessGroupSpec, Cell, CellInterval, ClientException, ColumnFamilyOptions, ColumnFamilySpec,
    ColumnPredicate, ColumnPredicateOperation, Key, KeyFlag, MutatorFlag, RowInterval, ScanSpec,
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
    r = c.hql_exec(ns, "INSERT INTO h VALUES (1, 'r1', 'c1:x', 'one'), (2, 'r2', 'c2', 'two')", False, False)
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
    for name in ["no_such_method_at_all", "future_open"]:
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
    # The generated client's own stub for a method the emulator does not serve.
    try:
        c.generate_guid()
        fail("generate_guid: no exception")
    except TApplicationException as error:
        check("generate_guid exception type", error.type, TApplicationException.UNKNOWN_METHOD)
    check("connection after generate_guid", c.status().code, 0)


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
