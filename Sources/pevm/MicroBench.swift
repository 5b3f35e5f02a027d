import ArgumentParser

/// `pevm microbench`: throughput of the primitives (UInt256, Keccak, RLP, sender recovery).
struct MicroBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "microbench",
    abstract: "Benchmark the primitives: UInt256 arithmetic, Keccak, RLP, sender recovery.")

  func run() throws {
    // Each suite returns its rows; add new suites to this list.
    let suites: [() -> [MicroBenchResult]] = [
      benchUInt256, benchCodec, benchCrypto, benchPrecompiles, benchBLS,
    ]
    var results: [MicroBenchResult] = []
    for suite in suites { results += suite() }
    printMicroBenchTable(results)
    print("(checksum \(String(microBenchSink, radix: 16)))")
  }
}
