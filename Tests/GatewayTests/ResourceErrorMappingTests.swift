@testable import Gateway
import HQL
import HypertableClient
import XCTest

/// The typed errors of the resource routes and of parameter binding, as `ErrorMapping` maps them.
final class ResourceErrorMappingTests: XCTestCase {
    func testSchemaReferenceErrors() {
        let expectations: [(SchemaReferenceError, Int, HypertableErrorCode?)] = [
            (.columnFamilyExists("a"), 409, .alreadyExists), (.accessGroupExists("g"), 409, .alreadyExists),
            (.columnFamilyNotFound("a"), 404, .columnFamilyNotFound), (.accessGroupNotFound("g"), 404, .badSchema),
            (.notACounterFamily("a"), 400, nil),
        ]
        for (error, status, code) in expectations {
            let problem = ErrorMapping.problem(for: error as any Error)
            XCTAssertEqual(problem.status, status, "\(error)")
            XCTAssertEqual(problem.hypertableCode, code?.rawValue, "\(error)")
            XCTAssertEqual(problem.hypertableName, code?.name, "\(error)")
            XCTAssertTrue(problem.detail.contains("\""), "the detail names it: \(problem.detail)")
        }
    }

    func testBindingErrorsAreParseErrors() {
        let problem = ErrorMapping.problem(for: HQLBindingError(.countMismatch, "2 and 1") as any Error)
        XCTAssertEqual(problem.status, 400)
        XCTAssertEqual(problem.type, "/problems/hql-parameters")
        XCTAssertEqual(problem.hypertableName, "HQL_PARSE_ERROR")
        XCTAssertTrue(problem.detail.contains("2 and 1"), problem.detail)
    }
}
