import BlockSTM
import Execution
import Fixtures
import Foundation
import TestSupport
import Testing
import WorldState

/// The speculative pipeline leaves to the committer the transactions whose
/// speculation on the pre-state would be stale (a sender that sent before,
/// a contended contract), and still equals sequential execution.
@Suite struct SpeculativePipelineTests {
  static func fixture(_ name: String) throws -> BlockFixture {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Fixtures/blocks/\(name).json")
    return try BlockFixture.load(url)
  }

  /// Runs `name` on the pipeline (no switch to sequential) and sequentially;
  /// returns the pipeline's statistics after comparing the results.
  static func run(_ name: String) throws -> ParallelStatistics {
    let fixture = try fixture(name)
    var sequentialState = fixture.pre
    let sequential = try BlockExecutor.execute(fixture.block, state: &sequentialState)
    var state = fixture.pre
    let (parallel, statistics) = try ParallelExecutor.execute(
      fixture.block, state: &state, workers: 2, fallbackOnConflicts: false,
      strategy: .speculativePipeline)
    #expect(statistics.pipelined, "\(name): ran on the pipeline")
    #expect(parallel.receiptsRoot == sequential.receiptsRoot, "\(name): receipts")
    #expect(parallel.gasUsed == sequential.gasUsed, "\(name): gas")
    #expect(state.firstDifference(from: sequentialState) == nil, "\(name): state")
    return statistics
  }

  /// Every swap hits one pool: after two stale results the speculator
  /// stops speculating on the pool (whatever the timing, it goes down the
  /// block in the same order, so at most three results are rejected).
  @Test(arguments: ["amm-one-pool-30M", "erc20-hot-recipient-30M"])
  func contendedContractIsLeftToTheCommitter(name: String) throws {
    let statistics = try Self.run(name)
    #expect(statistics.reexecutions <= 3, "\(name): \(statistics.reexecutions) re-executions")
  }

  /// Every transfer but the first has a sender that sent before: the
  /// speculator skips them all (their nonce on the pre-state is old).
  @Test func chainedSendersAreLeftToTheCommitter() throws {
    let statistics = try Self.run("erc20-hot-sender-30M")
    #expect(statistics.reexecutions <= 1, "\(statistics.reexecutions) re-executions")
  }
}
