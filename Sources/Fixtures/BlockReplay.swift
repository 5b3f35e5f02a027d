import BlockSTM
import EVM
import EVMPrimitives
import Execution
import Foundation
import WorldState

/// The outcome of replaying one block fixture sequentially.
public struct BlockReplayReport: Sendable {
  public var name: String
  public var number: UInt64
  public var fork: Fork
  public var transactions: Int
  public var gasUsed: UInt64
  public var stateRoot: Bytes32?
  public var receiptsRoot: Bytes32
  public var logsBloom: Bloom
  /// Failed expectations, as "field: expected X, got Y".
  public var failures: [String]
  public var executionSeconds: Double
  public var stateRootSeconds: Double
  public var calledPendingPrecompile: Bool
  /// Per transaction: (hash, succeeded, gas used, cumulative gas used).
  /// Block-STM counters when the block ran in parallel.
  public var statistics: ParallelStatistics?
  public var receipts: [(hash: Bytes32, succeeded: Bool, gasUsed: UInt64, cumulative: UInt64)] = []

  public var ok: Bool { failures.isEmpty }
  public var megagasPerSecond: Double { Double(gasUsed) / 1e6 / max(executionSeconds, 1e-9) }
}

/// Replays block fixtures with the sequential executor and checks expectations.
public enum BlockReplay {
  /// Executes `fixture`'s block `runs` times (fresh pre-state each time) and
  /// reports the median execution time.
  /// With `workers` above 1 the block runs under Block-STM; with `check`,
  /// the parallel result is also compared with a sequential run.
  public static func run(
    _ fixture: BlockFixture, runs: Int = 1, workers: Int = 1, check: Bool = false
  ) -> BlockReplayReport {
    var times: [Double] = []
    var outcome: Result<(BlockResult, InMemoryState), BlockError>! = nil
    var statistics: ParallelStatistics? = nil
    // Pre-Byzantium receipts carry intermediate state roots: sequential only.
    let parallel =
      (workers > 1 || ProcessInfo.processInfo.environment["PEVM_STM_FORCE"] != nil)
      && !(fixture.hasCompleteState && fixture.block.environment.fork < .byzantium)
    for _ in 0..<max(1, runs) {
      var state = fixture.pre
      let start = ContinuousClock.now
      let result = Result { () throws(BlockError) in
        if parallel {
          let (result, stats) = try ParallelExecutor.execute(
            fixture.block, state: &state, workers: workers)
          statistics = stats
          return result
        }
        return try BlockExecutor.execute(
          fixture.block, state: &state, intermediateRoots: fixture.hasCompleteState)
      }
      times.append(seconds(ContinuousClock.now - start))
      outcome = result.map { ($0, state) }
    }
    times.sort()
    let env = fixture.block.environment
    var report = BlockReplayReport(
      name: fixture.name, number: env.number, fork: env.fork,
      transactions: fixture.block.transactions.count,
      gasUsed: 0, stateRoot: nil, receiptsRoot: .zero, logsBloom: Bloom(), failures: [],
      executionSeconds: times[times.count / 2], stateRootSeconds: 0, calledPendingPrecompile: false)
    report.statistics = statistics
    if check && parallel {
      var sequentialState = fixture.pre
      let sequential = Result { () throws(BlockError) in
        try BlockExecutor.execute(fixture.block, state: &sequentialState)
      }
      switch (outcome!, sequential) {
      case (.success(let (p, pState)), .success(let s)):
        if p.receiptsRoot != s.receiptsRoot || p.gasUsed != s.gasUsed || p.logsBloom != s.logsBloom
        {
          report.failures.append("parallel differs from sequential: receipts, gas or bloom")
        }
        if let difference = pState.firstDifference(from: sequentialState) {
          report.failures.append("parallel state differs from sequential: \(difference)")
        }
      case (.failure(let p), .failure(let s)):
        if "\(p)" != "\(s)" {
          report.failures.append("parallel error \(p) vs sequential error \(s)")
        }
      default:
        report.failures.append("parallel and sequential disagree on the block's validity")
      }
    }
    switch outcome! {
    case .failure(let error):
      report.failures.append("block rejected: \(error)")
    case .success(let (result, state)):
      report.gasUsed = result.gasUsed
      report.receiptsRoot = result.receiptsRoot
      report.logsBloom = result.logsBloom
      report.calledPendingPrecompile = result.calledPendingPrecompile
      var previous: UInt64 = 0
      for (receipt, item) in zip(result.receipts, fixture.block.transactions) {
        report.receipts.append(
          (
            item.transaction.hash, receipt.succeeded, receipt.cumulativeGasUsed - previous,
            receipt.cumulativeGasUsed
          ))
        previous = receipt.cumulativeGasUsed
      }
      let expect = fixture.expect
      if let gas = expect.gasUsed, gas != result.gasUsed {
        report.failures.append("gasUsed: expected \(gas), got \(result.gasUsed)")
      }
      if let root = expect.receiptsRoot, root != result.receiptsRoot {
        report.failures.append("receiptsRoot: expected \(root), got \(result.receiptsRoot)")
      }
      if let bloom = expect.logsBloom, bloom != result.logsBloom {
        report.failures.append("logsBloom: expected \(bloom.hex), got \(result.logsBloom.hex)")
      }
      if fixture.hasCompleteState {
        let start = ContinuousClock.now
        let root = state.stateRoot()
        report.stateRootSeconds = seconds(ContinuousClock.now - start)
        report.stateRoot = root
        if let expected = expect.stateRoot, expected != root {
          report.failures.append("stateRoot: expected \(expected), got \(root)")
        }
      }
    }
    return report
  }

  /// A duration in seconds.
  public static func seconds(_ duration: Duration) -> Double {
    let (s, atto) = duration.components
    return Double(s) + Double(atto) / 1e18
  }
}
