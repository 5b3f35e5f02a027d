import Foundation

/// One micro-benchmark measurement: the median cost of a single operation.
struct MicroBenchResult {
  let name: String
  let nsPerOp: Double
}

/// Values fed to `blackHole`, folded together; printed after the table so the
/// optimiser cannot prove the benchmarked work dead.
nonisolated(unsafe) var microBenchSink: UInt64 = 0

/// Consumes a value so that the work producing it is kept.
@inline(never)
func blackHole(_ value: UInt64) {
  microBenchSink = microBenchSink &* 31 &+ value
}

/// Runs `body` (one operation) `iterations` times, five times over, and
/// reports the median time per call. One untimed warm-up run comes first.
@inline(__always)
func measure(_ name: String, iterations: Int, _ body: () -> Void) -> MicroBenchResult {
  let clock = ContinuousClock()
  var samples: [Double] = []
  for run in 0..<6 {
    let start = clock.now
    for _ in 0..<iterations { body() }
    let elapsed = clock.now - start
    if run == 0 { continue }  // warm-up
    let (seconds, attoseconds) = elapsed.components
    let ns = Double(seconds) * 1e9 + Double(attoseconds) / 1e9
    samples.append(ns / Double(iterations))
  }
  samples.sort()
  return MicroBenchResult(name: name, nsPerOp: samples[samples.count / 2])
}

/// Prints `name  ns/op  µs/op  Mops/s` rows, aligned.
func printMicroBenchTable(_ results: [MicroBenchResult]) {
  let width = max(24, (results.map(\.name.count).max() ?? 0) + 2)
  func pad(_ text: String, _ count: Int) -> String {
    text + String(repeating: " ", count: max(0, count - text.count))
  }
  func padLeft(_ text: String, _ count: Int) -> String {
    String(repeating: " ", count: max(0, count - text.count)) + text
  }
  print(pad("name", width) + padLeft("ns/op", 12) + padLeft("µs/op", 12) + padLeft("Mops/s", 12))
  for r in results {
    let mops = r.nsPerOp > 0 ? 1000 / r.nsPerOp : .infinity
    print(
      pad(r.name, width) + padLeft(String(format: "%.2f", r.nsPerOp), 12)
        + padLeft(String(format: "%.2f", r.nsPerOp / 1000), 12)
        + padLeft(String(format: "%.2f", mops), 12))
  }
}
