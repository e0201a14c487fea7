import HTTPServer

/// `GET /openapi.yaml`: the contract, byte for byte the repository's top-level `openapi.yaml`
/// (compiled in as `OpenAPIDocument.yaml`, so the binary needs no resource bundle at run time;
/// a test fails when the two differ, and `Tests/Contract/generate-openapi-swift.sh` regenerates it).
struct OpenAPIRoute: Sendable {
    func register(in router: inout HTTPRouter) {
        let body = Array((OpenAPIDocument.yaml + "\n").utf8)
        router.get("/openapi.yaml", runsInline: true) { _, _ in
            HTTPResponse(headers: ["Content-Type": "application/yaml; charset=utf-8",
                                   "Cache-Control": "public, max-age=300"], body: body)
        }
    }
}
