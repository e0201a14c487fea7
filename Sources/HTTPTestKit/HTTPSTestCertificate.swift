import Foundation

/// A throwaway self-signed certificate and key for `localhost` / 127.0.0.1 (P-256 or RSA, valid
/// one day), made with the `openssl` command in a fresh temporary directory. Call `remove()` when done.
public struct HTTPSTestCertificate: Sendable {
    public let directory: String
    /// PEM certificate; also the trust anchor a client needs (it signs itself).
    public let certificatePath: String
    public let privateKeyPath: String

    public enum GenerationError: Error, Sendable, Equatable, CustomStringConvertible {
        case opensslFailed(status: Int32, output: String)

        public var description: String {
            switch self {
            case .opensslFailed(let status, let output): return "openssl req exited \(status): \(output)"
            }
        }
    }

    /// The certificate's key: ECDSA keys make ECDHE-ECDSA suites, RSA keys ECDHE-RSA ones (and
    /// the static RSA key exchange a server must refuse).
    public enum KeyType: Sendable {
        case ecdsaP256
        case rsa2048

        var opensslArguments: [String] {
            switch self {
            case .ecdsaP256: return ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
            case .rsa2048: return ["-newkey", "rsa:2048"]
            }
        }
    }

    /// Generates a new certificate; `commonName` is also the DNS subject alternative name.
    public static func generate(commonName: String = "localhost",
                                keyType: KeyType = .ecdsaP256) throws -> HTTPSTestCertificate {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("https-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let certificate = HTTPSTestCertificate(directory: directory, certificatePath: directory + "/cert.pem",
                                               privateKeyPath: directory + "/key.pem")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509"] + keyType.opensslArguments + ["-nodes",
            "-days", "1", "-subj", "/CN=\(commonName)",
            "-addext", "subjectAltName=DNS:\(commonName),IP:127.0.0.1",
            "-keyout", certificate.privateKeyPath, "-out", certificate.certificatePath,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            certificate.remove()
            throw GenerationError.opensslFailed(status: process.terminationStatus, output: text)
        }
        return certificate
    }

    /// Deletes the directory and both files.
    public func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
