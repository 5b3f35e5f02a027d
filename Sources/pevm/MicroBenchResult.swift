/// One micro-benchmark figure: nanoseconds per operation.
struct MicroBenchResult {
  let name: String
  let nsPerOp: Double
}

/// Runs `body` `iterations` times, five times over, and reports the median
/// time per call (ContinuousClock). `body` must consume its results.
func measure(_ name: String, iterations: Int, _ body: () -> Void) -> MicroBenchResult {
  let clock = ContinuousClock()
  var samples: [Double] = []
  for _ in 0..<5 {
    let elapsed = clock.measure {
      for _ in 0..<iterations { body() }
    }
    let ns = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
    samples.append(ns / Double(max(iterations, 1)))
  }
  samples.sort()
  return MicroBenchResult(name: name, nsPerOp: samples[samples.count / 2])
}
