// Fuzzes SchemaJSON.schema(from:), the reader of `PUT /namespaces/{ns}/tables/{table}` bodies.
// Invariants:
// - it returns a Schema or throws a 400 Problem, nothing else;
// - an accepted schema has a valid family name for each family, and an access group for each
//   family's group;
// - the gateway's own JSON for that schema (SchemaJSON.write, what GET returns) reads back as
//   the same schema, and the Thrift encoding of it (what goes to the broker) decodes to it too.
import Foundation
import FuzzSupport
import HypertableClient
import Thrift
@testable import Gateway

/// A group the reader creates for a family's unknown group has no options (nil); written out, it
/// is `{}`, which reads back as empty options. Both mean "the defaults", so compare them as one.
func normalized(_ schema: Schema) -> Schema {
    var schema = schema
    for (name, var group) in schema.accessGroups where group.options == AccessGroupOptions() {
        group.options = nil
        schema.accessGroups[name] = group
    }
    return schema
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSchemaJSON(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = fuzzInput(start, count)
    let schema: Schema
    do {
        schema = try SchemaJSON.schema(from: input)
    } catch let problem as Problem {
        invariant(problem.status == 400, "status \(problem.status) for a bad schema")
        return 0
    } catch {
        invariant(false, "SchemaJSON threw \(error), not a Problem")
        return 0
    }
    invariant(!schema.columnFamilies.isEmpty, "a schema without column families")
    for (name, family) in schema.columnFamilies {
        invariant(name == family.name && SchemaJSON.isValidName(name), "family \(name.debugDescription)")
        invariant(schema.accessGroups[family.accessGroup] != nil, "family \(name) in a missing group")
    }

    var writer = JSONWriter()
    SchemaJSON.write(schema, table: "t", into: &writer)
    do {
        let again = try SchemaJSON.schema(from: writer.bytes)
        invariant(normalized(again) == normalized(schema), "schema changed in a write/read round trip:\n\(schema)\n\(again)\n"
                  + String(decoding: writer.bytes, as: UTF8.self))
    } catch {
        invariant(false, "the gateway's own schema JSON is refused: \(error)\n" + String(decoding: writer.bytes, as: UTF8.self))
    }

    var thrift = ThriftBinaryWriter()
    schema.write(to: &thrift)
    var reader = ThriftBinaryReader(thrift.bytes)
    invariant((try? Schema.read(from: &reader)) == schema, "schema changed in a Thrift round trip")
    return 0
}

/// Entry point (SwiftPM links `main` to `FuzzSchemaJSON_main`).
@_cdecl("FuzzSchemaJSON_main")
public func fuzzSchemaJSONMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzSchemaJSON)
}
