import Foundation
import HQL

/// The `params` of `POST /ns/{ns}/query` with a JSON body, bound into the statement's `?`
/// placeholders by `HQLParameterBinder` (token positions, never text pasting):
///
///     {"hql": "SELECT * FROM t WHERE ROW = ? AND TIMESTAMP > ?",
///      "params": ["o'brien", {"timestamp": "2026-01-01 00:00:00"}]}
///
/// A parameter is a JSON string (text), a non-negative JSON integer, `{"base64": "..."}` (a
/// byte string; it must decode to UTF-8, as a statement is text) or `{"timestamp": "..."}`
/// (checked to be a date and time HQL reads). A plain string works for a timestamp too.
enum QueryParameters {
    static func bind(_ hql: String, _ value: Any) throws -> String {
        guard let list = value as? [Any] else {
            throw Problem.badRequest("\"params\" must be an array")
        }
        let parameters = try list.enumerated().map { index, element in
            try parameter(element, position: "params[\(index)]")
        }
        return try HQLParameterBinder.bind(hql, parameters)
    }

    static func parameter(_ element: Any, position: String) throws -> HQLParameter {
        switch element {
        case let text as String:
            return .string(text)
        case let number as NSNumber where !SchemaJSON.isBoolean(number):
            guard let exact = SchemaJSON.exactInteger(number) else {
                throw Problem.badRequest("\(position): a number parameter must be an integer")
            }
            return .integer(exact)
        case let object as [String: Any] where object.count == 1:
            if let text = object["base64"] as? String {
                guard let bytes = Base64Text.decode(text) else {
                    throw Problem.badRequest("\(position): \"base64\" is not valid base64")
                }
                return .bytes(bytes)
            }
            if let text = object["timestamp"] as? String { return .timestamp(text) }
            fallthrough
        default:
            throw Problem.badRequest("\(position): a parameter is a string, an integer, {\"base64\": \"...\"} "
                                     + "or {\"timestamp\": \"...\"}")
        }
    }
}
