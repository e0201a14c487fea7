"""A small ThriftBroker built from Hypertable's own generated Python code (the
`HqlService.Processor` of PyPI hypertable==0.9.8.10) and Apache Thrift's TThreadedServer,
framed transport, binary protocol: the same stack as the real ThriftBroker, none of it ours.
The gateway is pointed at it to prove it talks to a broker it did not write.

It serves one namespace, `demo`, holding table `t` with two cells. Prints `PORT <n>` on
stdout once listening (port 0 picks a free one), then serves until killed.

usage: python_broker.py [PORT]
"""
import random
import sys

from thrift.protocol import TBinaryProtocol
from thrift.server import TServer
from thrift.transport import TSocket, TTransport

from hyperthrift.gen.ttypes import Cell, ClientException, Key, Status
from hyperthrift.gen2 import HqlService
from hyperthrift.gen2.ttypes import HqlResult

CELLS = [
    Cell(Key("row1", "cf", "q", 1700000000000000001), "value1"),
    Cell(Key("row2", "cf", "", 1700000000000000002), "value2"),
]


class Handler:
    def __init__(self):
        self.namespaces = {}

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
