"""A small ThriftBroker built from Hypertable's own generated Python code (the
`HqlService.Processor` of PyPI hypertable==0.9.8.10) and Apache Thrift's TThreadedServer,
framed transport, binary protocol: the same stack as the real ThriftBroker, none of it ours.
The gateway is pointed at it to prove it talks to a broker it did not write.

It serves one namespace, `demo`, holding table `t` with two cells. Besides HQL it answers the
calls the gateway's resource routes make, decoded and encoded by Hypertable's generated code:
scanners over `t` (one cell list per ScanSpec row interval, in the intervals' order),
`get_cells`, `set_cells` (recorded), `table_get_schema` / `table_alter` (the altered schema
is kept), `table_get_splits` (two ranges) and `create_cell_unique` (ALREADY_EXISTS for a row
that has cells). Prints `PORT <n>` on stdout once listening (port 0 picks a free one), then
serves until killed.

usage: python_broker.py [PORT]
"""
import random
import sys

from thrift.protocol import TBinaryProtocol
from thrift.server import TServer
from thrift.transport import TSocket, TTransport

from hyperthrift.gen.ttypes import (
    AccessGroupSpec, Cell, ClientException, ColumnFamilyOptions, ColumnFamilySpec, Key, Schema, Status, TableSplit,
)
from hyperthrift.gen2 import HqlService
from hyperthrift.gen2.ttypes import HqlResult

CELLS = [
    Cell(Key("row1", "cf", "q", 1700000000000000001), "value1"),
    Cell(Key("row2", "cf", "", 1700000000000000002), "value2"),
]


ALREADY_EXISTS = 48
TABLE_NOT_FOUND = 22


class Handler:
    def __init__(self):
        self.namespaces = {}
        self.scanners = {}
        self.written = []
        self.schema = Schema(
            access_groups={"default": AccessGroupSpec(name="default", generation=1)},
            column_families={
                "cf": ColumnFamilySpec(name="cf", access_group="default", generation=1, id=1,
                                       options=ColumnFamilyOptions(max_versions=3)),
                "old": ColumnFamilySpec(name="old", access_group="default", generation=1, id=2),
            },
            generation=1,
        )

    def _table(self, ns, table):
        if ns not in self.namespaces:
            raise ClientException(0x00090003, f"Invalid namespace id: {ns}")
        if table != "t":
            raise ClientException(TABLE_NOT_FOUND, table)

    def _cells_of(self, spec):
        """The cells of each single-row interval, in the intervals' order (what the gateway's
        many-rows read relies on: it sends them sorted)."""
        out = []
        for interval in spec.row_intervals or []:
            out += [c for c in CELLS if c.key.row == interval.start_row]
        if spec.columns:
            out = [c for c in out if c.key.column_family in spec.columns]
        return out

    def scanner_open(self, ns, table, spec):
        self._table(ns, table)
        handle = random.randint(1, 2**62)
        self.scanners[handle] = self._cells_of(spec)
        return handle

    def next_cells(self, scanner):
        return self.scanners.pop(scanner, [])

    def scanner_close(self, scanner):
        self.scanners.pop(scanner, None)

    def get_cells(self, ns, table, spec):
        self._table(ns, table)
        return self._cells_of(spec)

    def set_cells(self, ns, table, cells):
        self._table(ns, table)
        self.written += cells

    def table_get_schema(self, ns, table):
        self._table(ns, table)
        return self.schema

    get_schema = table_get_schema

    def table_alter(self, ns, table, schema):
        self._table(ns, table)
        schema.generation = (self.schema.generation or 0) + 1
        self.schema = schema

    def table_get_splits(self, ns, table):
        self._table(ns, table)
        return [TableSplit(start_row="", end_row="m", location="rs1", ip_address="10.0.0.1", hostname="one"),
                TableSplit(start_row="m", end_row=None, location="rs2", ip_address="10.0.0.2", hostname="two")]

    get_table_splits = table_get_splits

    def create_cell_unique(self, ns, table, key, value):
        self._table(ns, table)
        if any(c.key.row == key.row for c in CELLS):
            raise ClientException(ALREADY_EXISTS, "The inserted cell already exists and is not unique")
        return value or "00000000-0000-4000-8000-000000000000"

    def status(self):
        return Status(0, "")

    def namespace_open(self, ns):
        if ns.strip("/") != "demo":
            raise ClientException(40, f"Namespace '{ns}' does not exist")
        handle = random.randint(1, 2**62)
        self.namespaces[handle] = ns
        return handle

    def namespace_close(self, ns):
        self.namespaces.pop(ns, None)

    def hql_query(self, ns, command):
        if ns not in self.namespaces:
            raise ClientException(0x00090003, f"Invalid namespace id: {ns}")
        words = command.strip().upper().split()
        if words[:2] == ["SHOW", "TABLES"]:
            return HqlResult(results=["t"])
        if words[:1] == ["SELECT"] and words[-1] == "T":
            return HqlResult(cells=CELLS)
        if words[:1] == ["SELECT"]:
            raise ClientException(22, "Table not found")
        raise ClientException(11, f"parse error at: {command[:20]}")

    def hql_exec(self, ns, command, noflush, unbuffered):
        return self.hql_query(ns, command)


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server_socket = TSocket.TServerSocket(host="127.0.0.1", port=port)
    server_socket.listen()
    bound = server_socket.handle.getsockname()[1]
    server_socket.listen = lambda: None  # already listening; TThreadedServer would call it again
    server = TServer.TThreadedServer(
        HqlService.Processor(Handler()),
        server_socket,
        TTransport.TFramedTransportFactory(),
        TBinaryProtocol.TBinaryProtocolFactory(),
        daemon=True,
    )
    print(f"PORT {bound}", flush=True)
    server.serve()


if __name__ == "__main__":
    main()
