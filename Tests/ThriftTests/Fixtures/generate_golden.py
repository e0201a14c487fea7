#!/usr/bin/env python3
"""Regenerates the golden Thrift frames in this directory.

They come from the Thrift compiler's own Python code for Hypertable 0.9.8.11's IDL, so they
show what a real ThriftBroker client (and server) puts on the wire. The Swift tests read the
.bin files; they never run this script. To regenerate:

    python3 -m venv .build-venv && .build-venv/bin/pip install thrift==0.22.0
    apt-get install -y thrift-compiler            # Debian: Thrift 0.17
    thrift -r --gen py -out /tmp/htgen path/to/Hql.thrift   # Hypertable 0.9.8.11's src/cc/ThriftBroker/Hql.thrift (it includes Client.thrift)
    .build-venv/bin/python Tests/ThriftTests/Fixtures/generate_golden.py /tmp/htgen

Every file is one whole frame: 4-byte big-endian length, then a strict binary-protocol message
(TBinaryProtocol, strictWrite) as TFramedTransport sends it. Calls come from the generated
`Client.send_*` (sequence id 0, as the Python client always uses); replies come from the
generated `Processor` answering those calls with the handler below.
"""
import os
import sys

sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else "/tmp/htgen")

from thrift.protocol import TBinaryProtocol  # noqa: E402
from thrift.transport import TTransport  # noqa: E402
from thrift.Thrift import TMessageType, TType  # noqa: E402

from hyperthrift.gen import ttypes  # noqa: E402
from hyperthrift.gen2 import HqlService, ttypes as hql_ttypes  # noqa: E402

OUT = os.path.dirname(os.path.abspath(__file__))

NAMESPACE_ID = 0x0123456789ABCDEF
SCANNER_ID = 42
BIG_TIMESTAMP = 1_700_000_000_123_456_789  # nanoseconds; above 2**53


def framed_writer():
    buffer = TTransport.TMemoryBuffer()
    framed = TTransport.TFramedTransport(buffer)
    return buffer, framed, TBinaryProtocol.TBinaryProtocol(framed)


def capture_call(send):
    buffer, _, protocol = framed_writer()
    client = HqlService.Client(protocol)
    send(client)  # send_* writes the message and flushes the frame
    return buffer.getvalue()


def reply_to(call_frame, handler):
    """Runs the generated Processor on one call frame; returns the framed reply."""
    request = TBinaryProtocol.TBinaryProtocol(TTransport.TMemoryBuffer(call_frame[4:]))
    buffer, _, protocol = framed_writer()
    HqlService.Processor(handler).process(request, protocol)
    return buffer.getvalue()


def cells():
    return [
        ttypes.Cell(
            key=ttypes.Key(row="row1", column_family="cf", column_qualifier="q",
                           timestamp=1234, revision=5678, flag=ttypes.KeyFlag.INSERT),
            value=b"\xff\x00\xfe binary"),
        ttypes.Cell(
            key=ttypes.Key(row="row2", column_family="cf", column_qualifier="",
                           timestamp=BIG_TIMESTAMP, flag=ttypes.KeyFlag.INSERT),
            value=b"text"),
    ]


class Handler:
    def namespace_open(self, ns):
        return NAMESPACE_ID

    def hql_query(self, ns, command):
        if command == "SELECT * FROM missing":
            raise ttypes.ClientException(code=0x00090003, message="Invalid namespace id: 1")
        return hql_ttypes.HqlResult(cells=cells())

    def scanner_open(self, ns, table_name, scan_spec):
        return SCANNER_ID

    def next_cells(self, scanner):
        return cells()


def scan_spec():
    return ttypes.ScanSpec(
        row_intervals=[ttypes.RowInterval(start_row="a", start_inclusive=True,
                                          end_row="m", end_inclusive=False)],
        columns=["cf", "cf2:q"],
        versions=2,
        cell_limit=100)


def unknown_method_call():
    buffer, framed, protocol = framed_writer()
    protocol.writeMessageBegin("no_such_method", TMessageType.CALL, 7)
    protocol.writeStructBegin("no_such_method_args")
    protocol.writeFieldBegin("x", TType.I32, 1)
    protocol.writeI32(99)
    protocol.writeFieldEnd()
    protocol.writeFieldStop()
    protocol.writeStructEnd()
    protocol.writeMessageEnd()
    framed.flush()
    return buffer.getvalue()


def main():
    handler = Handler()
    frames = {}
    frames["namespace_open_call"] = capture_call(lambda c: c.send_namespace_open("test/ns"))
    frames["namespace_open_reply"] = reply_to(frames["namespace_open_call"], handler)
    frames["hql_query_call"] = capture_call(lambda c: c.send_hql_query(NAMESPACE_ID, "SELECT * FROM t"))
    frames["hql_query_reply"] = reply_to(frames["hql_query_call"], handler)
    frames["hql_query_missing_call"] = capture_call(
        lambda c: c.send_hql_query(NAMESPACE_ID, "SELECT * FROM missing"))
    frames["client_exception_reply"] = reply_to(frames["hql_query_missing_call"], handler)
    frames["scanner_open_call"] = capture_call(lambda c: c.send_scanner_open(NAMESPACE_ID, "t", scan_spec()))
    frames["scanner_open_reply"] = reply_to(frames["scanner_open_call"], handler)
    frames["next_cells_call"] = capture_call(lambda c: c.send_next_cells(SCANNER_ID))
    frames["next_cells_reply"] = reply_to(frames["next_cells_call"], handler)
    frames["unknown_method_call"] = unknown_method_call()
    frames["application_exception_reply"] = reply_to(frames["unknown_method_call"], handler)
    for name, data in frames.items():
        with open(os.path.join(OUT, name + ".bin"), "wb") as f:
            f.write(data)
        print(f"{name}.bin: {len(data)} bytes")


if __name__ == "__main__":
    main()
