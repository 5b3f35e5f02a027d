import BlockSTM
import EVMPrimitives
import Execution
import Fixtures
import Foundation
import Synchronization
import TestSupport
import Testing
import WorldState

/// Block-STM must equal sequential execution, bit for bit, on every block
/// and for every worker count (more workers than cores included).
@Suite(.serialized) struct ParallelEqualsSequentialTests {
  /// The mainnet blocks and the project's synthetic blocks. Under
  /// ThreadSanitizer (`PEVM_TSAN_QUICK=1`) a smaller selection keeps it fast.
  static let fixtures: [URL] = {
    let quick = ProcessInfo.processInfo.environment["PEVM_TSAN_QUICK"] != nil
    var urls = SharedFixtures.jsonFiles(under: SharedFixtures.path("blocks/mainnet"))
    let own = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Fixtures/blocks")
    urls += SharedFixtures.jsonFiles(under: own)
    if quick {
      let picks = [
        "116525", "13287210", "15537394", "19933597", "transfers-30M", "erc20-hot-sender-30M",
        "amm-one-pool-30M", "mix-30M",
      ]
      urls = urls.filter { url in picks.contains { url.lastPathComponent.hasPrefix($0) } }
    }
    return urls
  }()

  static let workerCounts: [Int] =
    ProcessInfo.processInfo.environment["PEVM_TSAN_QUICK"] != nil ? [2, 4] : [2, 3, 4, 8, 16]

  /// Runs `fixture` sequentially, then with each worker count on Block-STM
  /// alone (no switch to sequential on conflicts), then with 2 workers on
  /// the speculative pipeline, and with 2 and 3 workers as the CLI runs them
  /// (the default strategy, with the conflict switch), and compares.
  static func compare(_ fixture: BlockFixture, workers: [Int]) throws -> Int {
    var sequentialState = fixture.pre
    let sequential = try BlockExecutor.execute(fixture.block, state: &sequentialState)
    var compared = 0
    let runs: [(Int, Bool, ParallelStrategy)] =
      workers.map { ($0, false, .blockSTM) }
      + [(2, false, .speculativePipeline), (2, true, .automatic), (3, true, .automatic)]
    for (count, fallback, strategy) in runs {
      var state = fixture.pre
      let (parallel, statistics) = try ParallelExecutor.execute(
        fixture.block, state: &state, workers: count, fallbackOnConflicts: fallback,
        strategy: strategy)
      #expect(parallel.gasUsed == sequential.gasUsed, "\(fixture.name) ×\(count): gas")
      #expect(
        parallel.receiptsRoot == sequential.receiptsRoot, "\(fixture.name) ×\(count): receipts")
      #expect(parallel.logsBloom == sequential.logsBloom, "\(fixture.name) ×\(count): bloom")
      let difference = state.firstDifference(from: sequentialState)
      #expect(difference == nil, "\(fixture.name) ×\(count): \(difference ?? "")")
      if fixture.hasCompleteState {
        #expect(
          state.stateRoot() == sequentialState.stateRoot(), "\(fixture.name) ×\(count): state root")
      }
      if statistics.sequentialReason == nil { compared += 1 }
    }
    return compared
  }

  @Test func everyFixtureEveryWorkerCount() throws {
    #expect(Self.fixtures.count >= 8, "fixtures not found under \(SharedFixtures.root.path)")
    var parallelRuns = 0
    for url in Self.fixtures {
      parallelRuns += try Self.compare(BlockFixture.load(url), workers: Self.workerCounts)
    }
    print(
      "[suite] Block-STM equals sequential: \(Self.fixtures.count) blocks × \(Self.workerCounts) workers, \(parallelRuns) parallel runs"
    )
    #expect(parallelRuns > Self.fixtures.count)
  }

  /// Random delays injected between every worker step (a debug-only hook)
  /// shake the interleavings; every run must still equal sequential.
  @Test func randomDelaysChangeNothing() throws {
    #if DEBUG
      let counter = Atomic<UInt64>(1)
      ParallelExecutor.debugDelay = {
        var z = counter.wrappingAdd(0x9E37_79B9_7F4A_7C15, ordering: .relaxed).newValue
        z = (z ^ (z >> 31)) &* 0xBF58_476D_1CE4_E5B9
        if z % 4 == 0 { usleep(UInt32(z >> 58)) }  // 0–63 µs, a quarter of the time
      }
      defer { ParallelExecutor.debugDelay = nil }
      let repeats = ProcessInfo.processInfo.environment["PEVM_TSAN_QUICK"] != nil ? 1 : 3
      let picks = Self.fixtures.filter { url in
        ["13287210", "15538827", "12300570", "mix-30M", "amm-one-pool-30M", "erc20-hot-sender-30M"]
          .contains {
            url.lastPathComponent.hasPrefix($0)
          }
      }
      #expect(!picks.isEmpty)
      for url in picks {
        let fixture = try BlockFixture.load(url)
        for _ in 0..<repeats { _ = try Self.compare(fixture, workers: [2, 8]) }
      }
    #endif
  }
}
