// Fuzzes the HQL lexer and parser (and timestamp literals) with the input read as UTF-8, as the
// gateway reads a query body. Invariants:
// - tokens move forward through the text and end with `.end`; error positions lie in the text;
// - `parse` accepts exactly the scripts `parseScript` reads as one statement, with the same
//   result, and the classifier agrees with the statements' kinds;
// - the point SELECT shortcut (`HQLPointSelect`) declines or answers what `parseScript` does;
// - a script that parsed gives the same statements with `;` appended on a new line;
// - a timestamp that parses formats back to text that parses to the same instant.
import FuzzSupport
import HQL

func checkTokens(_ text: String) {
    let count = text.utf8.count
    let tokens: [HQLToken]
    do {
        tokens = try HQLLexer.tokenize(text)
    } catch {
        invariant(error.position.offset >= 0 && error.position.offset <= count,
                  "lexer error at \(error.position) in \(count) bytes")
        return
    }
    invariant(tokens.last?.kind == .end, "tokens do not end with .end")
    var previous = -1
    for token in tokens {
        let offset = token.position.offset
        invariant(offset > previous && offset <= count && token.position.line >= 1 && token.position.column >= 1,
                  "token \(token) after offset \(previous) in \(count) bytes")
        previous = offset
    }
}

func checkParser(_ text: String) {
    let count = text.utf8.count
    let script: [HQLStatement]
    do {
        script = try HQLParser.parseScript(text)
    } catch {
        invariant(error.position.offset >= 0 && error.position.offset <= count,
                  "parser error at \(error.position) in \(count) bytes")
        invariant((try? HQLParser.parse(text)) == nil, "parse accepts what parseScript refuses")
        invariant(HQLPointSelect.recognize(text) == nil, "the point SELECT shortcut accepts what the parser refuses")
        invariant((try? HQLClassifier.classifyScript(text)) == nil, "classifyScript accepts what parseScript refuses")
        return
    }
    invariant(!script.isEmpty, "parseScript returned no statement without an error")
    if let fast = HQLPointSelect.recognize(text) {
        invariant(script == [fast], "the point SELECT shortcut disagrees with the parser")
    }
    let single = try? HQLParser.parse(text)
    if script.count == 1 {
        invariant(single == script[0], "parse and parseScript disagree")
        invariant((try? HQLClassifier.classify(text)) == script[0].kind, "classify disagrees with the statement's kind")
    } else {
        invariant(single == nil, "parse accepted a script of \(script.count) statements")
    }
    let kinds = Set(script.map(\.kind))
    let strictest: HQLStatementKind = kinds.contains(.ddl) ? .ddl : kinds.contains(.write) ? .write : .read
    invariant((try? HQLClassifier.classifyScript(text)) == strictest, "classifyScript is not the strictest kind")
    let terminated = try? HQLParser.parseScript(text + "\n;")
    invariant(terminated == script, "appending ';' changed the script")
}

func checkTimestamp(_ text: String) {
    guard let instant = HQLTimestamp.parse(text) else { return }
    let formatted = HQLTimestamp.format(instant)
    invariant(HQLTimestamp.parse(formatted) == instant,
              "timestamp \(text.debugDescription) = \(instant) formats as \(formatted), which parses differently")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHQL(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: fuzzInput(start, count), as: UTF8.self)
    checkTokens(text)
    checkParser(text)
    checkTimestamp(text)
    return 0
}

/// Entry point (SwiftPM links `main` to `FuzzHQL_main`).
@_cdecl("FuzzHQL_main")
public func fuzzHQLMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzHQL)
}
