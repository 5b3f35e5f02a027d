import ArgumentParser

/// `pevm microbench`: throughput of the primitives (UInt256, Keccak, RLP,
/// sender recovery) and of the precompile cores.
struct MicroBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "microbench",
    abstract:
      "Benchmark the primitives (UInt256 arithmetic, Keccak, RLP, sender recovery) and the precompiles."
  )

  @Option(
    help:
      "Comma-separated suites to run (uint256, codec, crypto, precompiles, bls); all when omitted.")
  var suites: String?

  func run() throws {
    // Each suite returns its rows; add new suites to this list.
    let all: [(name: String, run: () -> [MicroBenchResult])] = [
      ("uint256", benchUInt256), ("codec", benchCodec), ("crypto", benchCrypto),
      ("precompiles", benchPrecompiles), ("bls", benchBLS),
    ]
    let wanted = suites.map { Set($0.split(separator: ",").map(String.init)) }
    if let wanted, let unknown = wanted.subtracting(all.map(\.name)).first {
      throw ValidationError("unknown suite '\(unknown)'")
    }
    var results: [MicroBenchResult] = []
    for suite in all where wanted?.contains(suite.name) ?? true { results += suite.run() }
    printMicroBenchTable(results)
    print("(checksum \(String(microBenchSink, radix: 16)))")
  }
}
