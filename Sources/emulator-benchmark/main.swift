// Benchmark of the embedded broker's cell store (not a test): writes N cells of 100-byte
// values through a mutator in 1000-cell batches, with increasing rows and then in random
// order, and scans them back, printing times and peak RSS.
//
//   swift run -c release emulator-benchmark [N]      (default 1000000)
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import HypertableClient
import HypertableEmulator

func seconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func maxResidentMegabytes() -> Int {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    return Int(usage.ru_maxrss) / 1024
}

func key(_ i: Int) -> Bytes {
    let digits = String(i)
    return Array(("k" + String(repeating: "0", count: max(0, 7 - digits.count)) + digits).utf8)
}

func run(count: Int, random: Bool) throws {
    let broker = EmulatedBroker()
    let session = broker.makeSession()
    try session.namespaceCreate("/bench")
    let ns = try session.namespaceOpen("bench")
    _ = try session.hqlQuery(ns, "CREATE TABLE t (a)")
    var order = Array(0..<count)
    if random { order.shuffle() }
    let value = Bytes(repeating: 0x61, count: 100)
    let mutator = try session.mutatorOpen(ns, "t", flags: 0, flushInterval: 0)
    let writeStart = seconds()
    for start in stride(from: 0, to: count, by: 1000) {
        let batch = order[start..<min(count, start + 1000)].map { i in
            Cell(key: Key(row: key(i), columnFamily: "a"), value: value)
        }
        try session.mutatorSetCells(mutator, cells: batch)
    }
    let writeTime = seconds() - writeStart
    try session.mutatorClose(mutator)
    let scanStart = seconds()
    let scanner = try session.scannerOpen(ns, "t", scanSpec: ScanSpec())
    var seen = 0
    while true {
        let batch = try session.scannerNextCells(scanner)
        if batch.isEmpty { break }
        seen += batch.count
    }
    try session.scannerClose(scanner)
    let scanTime = seconds() - scanStart
    session.close()
    print("\(random ? "random    " : "increasing") rows: write \(count) cells in \(String(format: "%.2f", writeTime)) s, "
          + "scan \(seen) cells in \(String(format: "%.2f", scanTime)) s, peak RSS \(maxResidentMegabytes()) MB")
    guard seen == count else {
        print("error: scanned \(seen) cells, wrote \(count)")
        exit(1)
    }
}

let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1_000_000 : 1_000_000
do {
    try run(count: count, random: false)
    try run(count: count, random: true)
} catch {
    print("error: \(error)")
    exit(1)
}
