import Foundation
@testable import Gateway
import GatewayTestKit
import XCTest

/// The served contract is the repository's top-level openapi.yaml, byte for byte.
final class OpenAPIDocumentTests: RESTTestCase {
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    func testCompiledDocumentMatchesTheTopLevelFile() throws {
        let file = try String(contentsOf: Self.repositoryRoot.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        XCTAssertTrue(file.hasSuffix("\n"))
        XCTAssertEqual(OpenAPIDocument.yaml + "\n", file,
                       "openapi.yaml changed: run Tests/Contract/generate-openapi-swift.sh")
    }

    func testServedAtOpenAPIYAML() throws {
        let response = try send("GET", "/openapi.yaml")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("Content-Type"), "application/yaml; charset=utf-8")
        XCTAssertEqual(response.bodyText, OpenAPIDocument.yaml + "\n")
        XCTAssertTrue(response.bodyText.hasPrefix("openapi: 3.1"))
    }
}
