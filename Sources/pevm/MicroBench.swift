import ArgumentParser

/// `pevm microbench`: throughput of the primitives (UInt256, Keccak, RLP, sender recovery).
struct MicroBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "microbench",
    abstract: "Benchmark the primitives: UInt256 arithmetic, Keccak, RLP, sender recovery.")

  func run() throws {
    print("no primitive benchmarks registered yet")
  }
}
