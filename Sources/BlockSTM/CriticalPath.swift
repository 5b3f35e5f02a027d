import EVM
import EVMPrimitives
import Execution
import Transactions
import WorldState

/// One transaction's footprint in a sequential run: the locations it read
/// and wrote (in Block-STM's location model, with the same lazy decisions)
/// and how long it took.
public struct TransactionProfile: Sendable {
  public var reads: Set<MemoryLocation>
  public var writes: Set<MemoryLocation>
  public var seconds: Double
}

/// The parallelism a block really has: the critical path of its true
/// dependency graph (transaction `j` depends on the last `i < j` that wrote a
/// location `j` read), weighted by each transaction's execution time. The
/// ideal speedup on `T` threads is total work ÷ max(critical path, work ÷ T):
/// no schedule can beat it, so it shows what Block-STM could reach with more
/// cores than this machine has.
public enum CriticalPath {
  /// A `StateView` over the in-memory state that records what was read.
  struct RecordingView: StateView {
    var state: InMemoryState
    var reads: Set<MemoryLocation> = []

    mutating func account(_ address: Address) -> AccountInfo? {
      reads.insert(.basic(address))
      return state.account(address)
    }
    mutating func codeHash(_ address: Address) -> Bytes32 {
      reads.insert(.code(address))
      return state.codeHash(address)
    }
    mutating func code(_ address: Address, hash: Bytes32) -> Bytecode {
      state.code(address, hash: hash)
    }
    mutating func storage(_ address: Address, _ key: UInt256) -> UInt256 {
      reads.insert(.storage(address, key))
      reads.insert(.storageEpoch(address))
      return state.storage(address, key)
    }
    mutating func hasStorage(_ address: Address) -> Bool {
      reads.insert(.storageWritten(address))
      return state.hasStorage(address)
    }
    mutating func blockHash(_ number: UInt64) -> Bytes32 { state.blockHash(number) }
    /// Liveness alone: a dependency only while the account is dead (an
    /// earlier transaction's credit would have brought it to life); fee
    /// credits to a live account change nothing this read saw.
    mutating func isDead(_ address: Address) -> Bool {
      let dead = state.isDead(address)
      if dead { reads.insert(.basic(address)) }
      return dead
    }
  }

  /// Executes `block`'s transactions sequentially on a copy of `state` (after
  /// the block's system calls), recording each one's footprint and time.
  public static func profile(_ block: Block, state: InMemoryState) throws(BlockError)
    -> [TransactionProfile]
  {
    var working = state
    try BlockExecutor.preExecution(block, state: &working)
    let env = block.environment
    var profiles: [TransactionProfile] = []
    profiles.reserveCapacity(block.transactions.count)
    let clock = ContinuousClock()
    for (index, item) in block.transactions.enumerated() {
      var view = RecordingView(state: working)
      let start = clock.now
      let lazy = ParallelExecutor.isPlainTransfer(item, view: &view, fork: env.fork)
      let outcome: TransactionOutcome
      do {
        outcome = try TransactionProcessor.execute(
          item.transaction, sender: item.sender, view: &view, block: env, lazySender: lazy)
      } catch {
        throw .invalidTransaction(index: index, hash: item.transaction.hash, reason: error)
      }
      let elapsed = clock.now - start
      let (s, atto) = elapsed.components
      working.apply(outcome.changes)
      profiles.append(
        TransactionProfile(
          reads: view.reads,
          writes: Set(ParallelExecutor.writeSet(of: outcome.changes).map(\.location)),
          seconds: Double(s) + Double(atto) / 1e18))
    }
    return profiles
  }

  /// (total work, critical path length) in seconds.
  public static func workAndSpan(_ profiles: [TransactionProfile]) -> (work: Double, span: Double) {
    // When each location's value is final: the latest finish among its
    // writers so far (delta writers do not read, so each of them counts;
    // a full writer read the location and so finishes after the others).
    var ready: [MemoryLocation: Double] = [:]
    var work = 0.0
    var span = 0.0
    for profile in profiles {
      var start = 0.0
      for location in profile.reads {
        if let time = ready[location] { start = max(start, time) }
      }
      let finish = start + profile.seconds
      work += profile.seconds
      span = max(span, finish)
      for location in profile.writes { ready[location] = max(ready[location] ?? 0, finish) }
    }
    return (work, span)
  }

  /// The ideal speedup on `threads` threads.
  public static func idealSpeedup(work: Double, span: Double, threads: Int) -> Double {
    guard work > 0 else { return 1 }
    return work / max(span, work / Double(threads))
  }
}
