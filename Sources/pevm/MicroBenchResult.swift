/// One micro-benchmark's result: nanoseconds per operation.
struct MicroBenchResult {
  let name: String
  let nsPerOp: Double
}

/// Runs `body` `iterations` times, five times over, and reports the median
/// run's nanoseconds per iteration (measured with `ContinuousClock`). `body`
/// must consume its results so the optimiser cannot remove the work.
func measure(_ name: String, iterations: Int, _ body: () -> Void) -> MicroBenchResult {
  let clock = ContinuousClock()
  var runs: [Double] = []
  for _ in 0..<5 {
    let elapsed = clock.measure {
      for _ in 0..<iterations { body() }
    }
    let ns = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
    runs.append(ns / Double(max(iterations, 1)))
  }
  runs.sort()
  return MicroBenchResult(name: name, nsPerOp: runs[runs.count / 2])
}
