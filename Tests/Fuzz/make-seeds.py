#!/usr/bin/env python3
"""Writes the committed seed corpora (Corpus/<target>/) and dictionaries (Dictionaries/).

Seeds are small meaningful inputs: real requests, the golden Thrift frames from
Tests/ThriftTests/Fixtures, HQL statements from Tests/HQLTests, cell uploads and schemas as
the gateway's tests send them. Re-run after editing; files are named by content, so the
output is stable.
"""
import hashlib
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))


def write(target, data, name=None):
    if isinstance(data, str):
        data = data.encode("utf-8")
    folder = os.path.join(HERE, "Corpus", target)
    os.makedirs(folder, exist_ok=True)
    name = name or "seed-" + hashlib.sha1(data).hexdigest()[:12]
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def http():
    t = "FuzzHTTPRequestParser"
    write(t, "GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n")
    write(t, "GET /ns/test/tables/t/rows/r%2F1?encoding=base64&limit=10 HTTP/1.1\r\nHost: gw\r\n"
             "Accept: application/x-ndjson\r\nAccept-Encoding: gzip\r\nAuthorization: Bearer abc\r\n\r\n")
    write(t, "POST /ns/test/query HTTP/1.1\r\nHost: gw\r\nContent-Type: text/plain\r\nContent-Length: 15\r\n\r\n"
             "SELECT * FROM t")
    write(t, "POST /ns/test/tables/t/cells HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n"
             "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n")
    # Pipelined: three requests in one read, the middle one with a body.
    write(t, "GET / HTTP/1.1\r\nHost: a\r\n\r\nPUT /ns/x HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}"
             "DELETE /ns/x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    # Streamed route (paths under /s in the target), with the body after the head.
    write(t, "POST /s/cells HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-ndjson\r\nContent-Length: 11\r\n"
             "Expect: 100-continue\r\n\r\n{\"row\":\"r\"}GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    write(t, "POST /s/cells HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
    write(t, "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n")
    write(t, "GET http://gw:8080/health/ready HTTP/1.1\r\nHost: gw:8080\r\n\r\n")
    write(t, "CONNECT gw:443 HTTP/1.1\r\nHost: gw:443\r\n\r\n")
    write(t, "GET / HTTP/1.0\n\nGET / HTTP/1.1\nHost: a\nContent-Length: 0, 0\n\n")
    write(t, "\r\n\r\nPATCH /x HTTP/1.1\r\nHost: a\r\nX-Obs: caf\xe9\r\nContent-Length: 3\r\n\r\nabc".encode("latin-1"))
    write(t, "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n")
    write(t, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
    write(t, "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n")
    write(t, "GET / HTTP/2.0\r\nHost: a\r\n\r\n")


def chunked():
    t = "FuzzChunkedBody"
    write(t, "5\r\nhello\r\n0\r\n\r\n")
    write(t, "5;name=value\r\nhello\r\nA\r\n0123456789\r\n0\r\nTrailer: x\r\nOther: y\r\n\r\n")
    write(t, "3\nabc\n0\n\n")
    write(t, "00000001\r\nz\r\n0;last\r\n\r\nGET / HTTP/1.1\r\n")
    write(t, "ff\r\n" + "x" * 255 + "\r\n0\r\n\r\n")
    write(t, "1 \t;x\r\na\r\n0\r\n\r\n")
    write(t, "fffffffffffffffff\r\n")
    write(t, "2\r\nabc\r\n")


def thrift():
    t = "FuzzThrift"
    fixtures = os.path.join(ROOT, "Tests", "ThriftTests", "Fixtures")
    bodies = []
    for name in sorted(os.listdir(fixtures)):
        if name.endswith(".bin"):
            with open(os.path.join(fixtures, name), "rb") as f:
                body = f.read()
            bodies.append(body)
            write(t, body, "golden-" + name)
    # The same bodies framed (4-byte big-endian length), and a pipelined pair.
    for body in bodies[:4]:
        write(t, struct.pack(">i", len(body)) + body)
    write(t, b"".join(struct.pack(">i", len(b)) + b for b in bodies[:3]))
    write(t, struct.pack(">i", -1) + b"\x80\x01\x00\x01")


HQL_STATEMENTS = [
    'CREATE NAMESPACE "/test"',
    "create namespace if not exists demo;",
    "DROP NAMESPACE IF EXISTS 'app/prod'",
    "USE '/test/subtest'",
    "GET LISTING",
    "show tables",
    "EXISTS TABLE hypertable",
    'create table Pages ("refer_url", "http_code" MAX_VERSIONS=3 TTL 2 DAYS, timestamp, rowkey COUNTER,\n'
    '  ACCESS GROUP default ("refer_url", "http_code"), ACCESS GROUP misc IN_MEMORY BLOCKSIZE 65536 (timestamp, rowkey))\n'
    "  REPLICATION 2 MAX_VERSIONS 5",
    "CREATE TABLE f (a, b, ACCESS GROUP g (a) BLOCKSIZE 20000 REPLICATION 2, ACCESS GROUP h (b) COUNTER) IN_MEMORY",
    "CREATE TABLE Pages_clone LIKE Pages",
    "DROP TABLE IF EXISTS hypertable",
    "INSERT INTO t VALUES ('2007-12-02 08:00:00', 'foo', 'apple:0', 'nothing'), (\"bar\", \"banana\", \"v\\n\"), ('r', 'c:q', GUID());",
    "SELECT a, b:q, c:^pre, d:/^x.*$/ FROM t WHERE 'a' <= ROW < 'b' AND TIMESTAMP < '2008-06-28 01:00:01'\n"
    "LIMIT=1 MAX_VERSIONS 2 CELL_LIMIT 3 CELL_LIMIT_PER_FAMILY 4 KEYS_ONLY RETURN_DELETES",
    "select * from t where row =^ 'pre'",
    "SELECT * FROM t WHERE (ROW = 'a' OR ROW > 'x') REVS 1",
    "SELECT * FROM t WHERE CELL = 'r','tag:q'",
    "SELECT * FROM t WHERE ROW >= 'b' AND ROW <= 'd' AND ROW REGEXP 'c.*' AND VALUE REGEXP 'v'",
    "SELECT a FROM t WHERE a:q =~ /x\\/y/ OR REGEXP(a, 'z') OR EXISTS(a:k) OR a = 'v'",
    "delete \"apple:1\" from hypertable where row = 'foo' timestamp '2007-12-02 08:00:01'",
    "DELETE a, b:c FROM t WHERE ROW = 'x' VERSION 5",
    "RENAME TABLE foo TO foo_renamed",
    "SHOW CREATE TABLE foo",
    "DESCRIBE TABLE WITH IDS foo",
    "ALTER TABLE t ADD (x MAX_VERSIONS 2) DROP (y) RENAME COLUMN FAMILY (z, w)",
    "# comment\nSeLeCt * FrOm t -- trailing\n/* block */ show tables",
    "USE test; SELECT * FROM t LIMIT 3; INSERT INTO t VALUES ('r', 'f', 'v')",
    "2008-06-28 01:00:01.5",
    "12345",
    "SELECT * FROM t WHERE ROW = 'r1'",
    "select*from T_1\twhere row=\"a b\";",
]


def hql():
    for statement in HQL_STATEMENTS:
        write("FuzzHQL", statement)


def cells():
    t = "FuzzCellRecords"
    write(t, '[{"row": "r1", "column_family": "cf", "column_qualifier": "q", "value": "v", '
             '"timestamp": "1700000000000000000", "flag": "insert"}]')
    write(t, '[{"row": "cjE=", "row_encoding": "base64", "column_family": "cf", "value": "AAEC", '
             '"value_encoding": "base64"},\n {"row": "r2", "flag": "delete_row"},\n'
             ' {"row": "r3", "column_family": "cf", "flag": "delete_cell_version", "timestamp": 42}]')
    write(t, '{"row": "a", "column_family": "f", "value": "x"}\n{"row": "b", "column_family": "f", '
             '"value": "y\\u00e9\\"}]"}\r\n\n  \n{"row": "c", "column_family": "f", "flag": "delete_column_family"}')
    write(t, '[ {"row": "a\\\\", "column_family": "f", "value": ["nested", {"x": "]"}]} , {"row": null} ]')
    write(t, '[]')
    write(t, '{"row": "r", "column_family": "f", "column_qualifier_encoding": "utf8", "column_qualifier": "q"}')


def percent():
    t = "FuzzPercentDecoding"
    for text in ["/ns/test/tables/t/rows/r%2F1", "a=1&b=x+y&c&=&%41=%42", "/%E2%82%AC/%zz/", "%", "%4",
                 "/a//b/", "limit=10&encoding=base64&start_row=a%00b", "%C3%28+%FF"]:
        write(t, text)


def regex():
    t = "FuzzBoundedRegex"
    for pattern, subject in [("^row[0-9]+$", "row12"), ("(?i)abc", "xABCx"), ("a{2,3}?b", "aaab"),
                             ("[[:alpha:]]+\\d", "ab1"), ("\\bword\\b", "a word here"), ("(a|b)*c", "ababc"),
                             ("\\x{263a}.\\x41", "\u263a\u00e9A"), ("[^a-c\\s]", "abc d"), ("\\Aab|cd\\z", "xcd"),
                             ("(?:x+x+)+y", "xxxxxxxxxxxxxxxxxxxx"), ("c.*", "abcdef"), ("plain", "a plain text"),
                             ("[\\]\\-]", "-"), ("\\.\\*\\$", ".*$")]:
        write(t, pattern.encode() + b"\x00" + subject.encode())


def schemas():
    t = "FuzzSchemaJSON"
    write(t, '{"column_families": ["a", "b"]}')
    write(t, '{"column_families": {"meta": {"max_versions": 3, "access_group": "hot"},\n'
             '                     "body": {"ttl": 86400, "counter": false}},\n'
             ' "access_groups": {"hot": {"in_memory": true, "blocksize": 65536}}}')
    write(t, '{"table": "t", "generation": "3", "column_families": {"c": {"id": 1, "access_group": "default", '
             '"value_index": true, "qualifier_index": false, "time_order_desc": true}}, '
             '"access_groups": {"default": {"replication": 3, "compressor": "zlib", "bloom_filter": "rows", '
             '"defaults": {"max_versions": 1}}}, "group_commit_interval": 100, '
             '"access_group_defaults": {"blocksize": 1}, "column_family_defaults": {"ttl": 0}}')
    write(t, '{"column_families": {"a": {"max_versions": 2.0}}}')


def cursors():
    """Page cursor payloads (PageCursor's wire form, version 1), one of each kind."""
    t = "FuzzPageCursor"

    def b16(data):
        return struct.pack(">H", len(data)) + data

    def b32(data):
        return struct.pack(">I", len(data)) + data

    def key(row, family, qualifier, timestamp, revision):
        return b32(row) + b16(family) + b32(qualifier) + struct.pack(">qq", timestamp, revision)

    head = lambda kind: struct.pack(">BqB", 1, 1764633600, kind) + b16(b"app/prod") + b16(b"users")
    counts = struct.pack(">Iqq", 100, 300, 12)
    parameters = [(b"columns", b"info:name"), (b"start_row", b"a\xff"), (b"revisions", b"2")]
    cells = head(1) + counts + struct.pack(">H", len(parameters))
    cells += b"".join(b16(name) + b16(value) for name, value in parameters)
    write(t, cells + key(b"row\x00\xff", b"info", b"name", 1764633600123456789, 1764633600123456790))
    select = head(2) + counts + b32(b"SELECT * FROM users WHERE ROW >= 'a' MAX_VERSIONS 2") + b"\x01"
    write(t, select + key(b"alice", b"info", b"", -9223372036854775806, 0))


if __name__ == "__main__":
    http()
    chunked()
    thrift()
    hql()
    cells()
    percent()
    regex()
    schemas()
    cursors()
