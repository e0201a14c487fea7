"""Drives a ThriftBroker with Hypertable's own Python client (PyPI hypertable==0.9.8.10,
converted to Python 3): code no one on this project wrote. Exits 0 when every check holds;
otherwise prints what differed and exits 1.

usage: python_client_check.py HOST PORT
"""
import sys
import uuid

from hypertable.thriftclient import ThriftClient
from hyperthrift.gen.ttypes import Cell, ClientException, Key, RowInterval, ScanSpec

failures = []


def check(label, got, want):
    if got != want:
        failures.append(f"{label}: got {got!r}, want {want!r}")


def expect_client_exception(label, code, call):
    try:
        call()
    except ClientException as error:
        check(f"{label} code", error.code, code)
        return
    failures.append(f"{label}: no ClientException")


def main(host, port):
    client = ThriftClient(host, port, timeout_ms=10000)
    ns_name = "interop_" + uuid.uuid4().hex[:8]

    # A fresh Hypertable has sys and tmp; namespace_create / exists / open.
    check("status", client.status().code, 0)
    check("exists before", client.namespace_exists(ns_name), False)
    client.namespace_create(ns_name)
    check("exists after", client.namespace_exists(ns_name), True)
    ns = client.namespace_open(ns_name)

    # DDL and writes through HQL.
    client.hql_query(ns, "CREATE TABLE fruit (color, taste, ACCESS GROUP default (color, taste))")
    check("get_tables", client.get_tables(ns), ["fruit"])
    check("table_exists", client.table_exists(ns, "fruit"), True)
    check("schema mentions color", "color" in client.get_schema_str(ns, "fruit"), True)
    client.hql_query(ns, "INSERT INTO fruit VALUES ('apple', 'color', 'red'), ('banana', 'color', 'yellow')")
    client.hql_query(ns, "INSERT INTO fruit VALUES ('apple', 'taste:sweet', 'yes')")

    # Writes through a mutator.
    mutator = client.mutator_open(ns, "fruit", 0, 0)
    client.mutator_set_cells(mutator, [Cell(Key("cherry", "color", ""), "dark red")])
    client.mutator_flush(mutator)
    client.mutator_close(mutator)

    # Reads through HQL.
    result = client.hql_query(ns, "SELECT * FROM fruit")
    got = [(c.key.row, c.key.column_family, c.key.column_qualifier, c.value) for c in result.cells]
    check("select *", got, [
        ("apple", "color", None, "red"),
        ("apple", "taste", "sweet", "yes"),
        ("banana", "color", None, "yellow"),
        ("cherry", "color", None, "dark red"),
    ])
    result = client.hql_query(ns, "SELECT color FROM fruit WHERE ROW = 'banana'")
    check("select where row", [c.value for c in result.cells], ["yellow"])
    for cell in client.hql_query(ns, "SELECT * FROM fruit").cells:
        if not cell.key.timestamp or cell.key.timestamp <= 0:
            failures.append(f"cell without timestamp: {cell}")

    # Reads through a scanner and get_row.
    scanner = client.scanner_open(ns, "fruit", ScanSpec(row_intervals=[RowInterval("b", True, "z", True)]))
    rows = []
    while True:
        cells = client.next_cells(scanner)
        if not cells:
            break
        rows.extend(c.key.row for c in cells)
    client.scanner_close(scanner)
    check("scanner rows", rows, ["banana", "cherry"])
    check("get_row", [c.value for c in client.get_row(ns, "fruit", "apple")], ["red", "yes"])

    # Errors come back as ClientException with Hypertable's codes.
    expect_client_exception("missing namespace", 40, lambda: client.namespace_open("no_such_ns_" + ns_name))
    expect_client_exception("missing table", 22, lambda: client.hql_query(ns, "SELECT * FROM nope"))
    expect_client_exception("bad hql", 11, lambda: client.hql_query(ns, "SELEKT garbage"))
    check("error text", client.error_get_text(22), "HYPERTABLE table does not exist")

    # Clean up; the listing no longer has it.
    client.hql_query(ns, "DROP TABLE fruit")
    check("tables after drop", client.get_tables(ns), [])
    client.namespace_close(ns)
    client.namespace_drop(ns_name, False)
    check("exists after drop", client.namespace_exists(ns_name), False)
    client.close()

    if failures:
        print("\n".join(failures))
        return 1
    print("python client interop: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
