import Foundation
import HTTPTestKit
import XCTest
@testable import HTTPServer

/// A TLS setting the server cannot use stops `start()` with a typed error: never plaintext.
final class TLSConfigurationTests: XCTestCase {
    private var certificate: HTTPSTestCertificate!

    override func setUpWithError() throws {
        certificate = try HTTPSTestCertificate.generate()
        let certificate = certificate!
        addTeardownBlock { certificate.remove() }
    }

    private func startError(certificate certificatePath: String, key keyPath: String,
                            file: StaticString = #filePath, line: UInt = #line) -> TLSConfigurationError? {
        var configuration = HTTPServerConfiguration(port: 0, workerCount: 1)
        configuration.tls = TLSConfiguration(certificateChainPath: certificatePath, privateKeyPath: keyPath)
        let server = HTTPServer(configuration: configuration, logger: .discarding) { _ in .text("never") }
        defer { server.shutdown(gracePeriod: 0) }
        do {
            try server.start()
            XCTFail("start() must refuse this TLS configuration", file: file, line: line)
            return nil
        } catch HTTPServerError.tls(let error) {
            XCTAssertEqual(server.port, 0, "nothing may listen", file: file, line: line)
            return error
        } catch {
            XCTFail("expected HTTPServerError.tls, got \(error)", file: file, line: line)
            return nil
        }
    }

    private func writeFile(_ name: String, _ text: String) throws -> String {
        let path = certificate.directory + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testMissingCertificateFile() throws {
        let missing = certificate.directory + "/missing.pem"
        let error = startError(certificate: missing, key: certificate.privateKeyPath)
        XCTAssertEqual(error, .certificateFileUnreadable(path: missing, reason: "No such file or directory"))
    }

    func testMissingKeyFile() throws {
        let missing = certificate.directory + "/missing-key.pem"
        let error = startError(certificate: certificate.certificatePath, key: missing)
        XCTAssertEqual(error, .privateKeyFileUnreadable(path: missing, reason: "No such file or directory"))
    }

    func testGarbageKeyIsAnInvalidKey() throws {
        let garbage = try writeFile("garbage-key.pem", "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n")
        guard case .invalidPrivateKey(let path, let reason)? = startError(certificate: certificate.certificatePath,
                                                                            key: garbage) else {
            return XCTFail("expected invalidPrivateKey")
        }
        XCTAssertEqual(path, garbage)
        XCTAssertFalse(reason.isEmpty)
    }

    func testKeyFileGivenAsCertificateIsAnInvalidCertificate() throws {
        guard case .invalidCertificate(let path, _)? = startError(certificate: certificate.privateKeyPath,
                                                                   key: certificate.privateKeyPath) else {
            return XCTFail("expected invalidCertificate")
        }
        XCTAssertEqual(path, certificate.privateKeyPath)
    }

    func testKeyOfAnotherCertificateIsAMismatch() throws {
        let other = try HTTPSTestCertificate.generate()
        defer { other.remove() }
        let error = startError(certificate: certificate.certificatePath, key: other.privateKeyPath)
        XCTAssertEqual(error, .privateKeyMismatch(certificatePath: certificate.certificatePath,
                                                  privateKeyPath: other.privateKeyPath))
    }

    func testErrorDescriptionsNameTheFile() {
        let error = HTTPServerError.tls(.privateKeyMismatch(certificatePath: "/etc/c.pem", privateKeyPath: "/etc/k.pem"))
        XCTAssertEqual(error.description,
                       "cannot start TLS: TLS private key /etc/k.pem does not belong to the certificate in /etc/c.pem")
    }

    func testGoodConfigurationStarts() throws {
        var configuration = HTTPServerConfiguration(port: 0, workerCount: 1)
        configuration.tls = TLSConfiguration(certificateChainPath: certificate.certificatePath,
                                             privateKeyPath: certificate.privateKeyPath)
        let server = HTTPServer(configuration: configuration, logger: .discarding) { _ in .text("ok") }
        try server.start()
        defer { server.shutdown(gracePeriod: 0) }
        XCTAssertGreaterThan(server.port, 0)
    }
}
