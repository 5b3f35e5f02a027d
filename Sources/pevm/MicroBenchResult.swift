/// One micro-benchmark's outcome: the median time of one operation.
struct MicroBenchResult {
  let name: String
  let nsPerOp: Double
}

/// Times `iterations` calls of `body` five times (after one warm-up call) on
/// the continuous clock and returns the median nanoseconds per call. `body`
/// must consume its results so that the optimiser cannot drop the work.
func measure(_ name: String, iterations: Int, _ body: () -> Void) -> MicroBenchResult {
  let clock = ContinuousClock()
  body()
  var samples: [Double] = []
  for _ in 0..<5 {
    let elapsed = clock.measure {
      for _ in 0..<iterations { body() }
    }
    let (seconds, attoseconds) = elapsed.components
    let nanoseconds = Double(seconds) * 1e9 + Double(attoseconds) / 1e9
    samples.append(nanoseconds / Double(max(iterations, 1)))
  }
  samples.sort()
  return MicroBenchResult(name: name, nsPerOp: samples[samples.count / 2])
}
