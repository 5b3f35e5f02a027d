import EVM
import EVMPrimitives
import Execution
import Synchronization
import Transactions
import WorldState

#if canImport(Glibc)
  import Glibc
#endif

/// Two-thread parallel execution: a committer executes the block in order,
/// as the sequential executor does, while a speculator runs transactions
/// ahead of it against the block's pre-state and records every answer its
/// view gave. When the committer reaches a transaction the speculator ran,
/// it checks each recorded answer against its own, exact state; if all
/// still hold, the execution would be the same on that state, and the
/// committer applies the speculative diff instead of executing. Otherwise
/// it executes the transaction itself. Between speculations, and once the
/// block is committed, both threads build receipts and their trie leaves.
///
/// The result equals sequential execution by construction: every committed
/// transaction either ran on the exact prefix state or read exactly what it
/// would have read there; the block-order checks (a lazy sender's nonce and
/// balance, block and blob gas) are made by the committer
/// (`ParallelExecutor.Committer.commit`), as for Block-STM. A block with
/// many conflicts costs about what sequential execution costs: the
/// speculator's work is lost, not the committer's.
///
/// Invariants:
/// - `claimed` hands out transaction indices: the speculator takes the next
///   by `add`; the committer takes index `i` only by moving `claimed` from
///   exactly `i` to `i + 1`. An index is claimed once, by one thread.
/// - `speculations[i]` is written once, by the speculator that claimed `i`
///   (under the slot's lock), and taken by the committer, who waits for it
///   when the speculator claimed `i`. The speculator never waits for the
///   committer, so the wait ends.
/// - The pre-state is never written while the threads run: the committer
///   writes its own copy (copy on write).
/// - The committer's state is touched only by the committer thread;
///   `CommitterBox` hands it over across the pool's join.
enum SpeculativePipeline {
  /// Speculation stops for the rest of a block when, after this many
  /// checked results, more than half were rejected.
  static let rejectionWarmUp = 16

  /// A speculative execution's outcome with the answers it was given.
  struct Speculation {
    var reads: [SpeculativeRead]
    var outcome: Result<TransactionOutcome, InvalidTransaction>
  }

  final class Counters: Sendable {
    let speculated = Atomic<Int>(0)
    let accepted = Atomic<Int>(0)
    let rejected = Atomic<Int>(0)
    let committerExecutions = Atomic<Int>(0)
  }

  /// Executes `transactions` on `state` with a committer and a speculator
  /// thread; builds every receipt into `receipts`.
  static func execute(
    _ transactions: [BlockTransaction], environment env: BlockEnvironment,
    state: inout InMemoryState, receipts: ReceiptSlots?, statistics: inout ParallelStatistics
  ) throws(BlockError) -> [TransactionOutcome] {
    let count = transactions.count
    let preState = state
    let speculations = SpinLockedArray<Speculation?>(count: count) { _ in nil }
    let claimed = Atomic<Int>(0)
    /// The transaction the committer is at.
    let commitPoint = Atomic<Int>(0)
    /// How far ahead of the committer the speculator may claim.
    let lookahead = Atomic<Int>(initialLookahead)
    let stop = Atomic<Bool>(false)
    let counters = Counters()
    let published = PublishedCommits(first: 0, count: count)
    let box = ParallelExecutor.CommitterBox(
      ParallelExecutor.Committer(state: state, count: count))
    state = InMemoryState()  // the committer's copy is the only owner left besides `preState`

    @Sendable func buildReceipt(_ entry: ParallelExecutor.Committed, _ cache: inout BloomCache) {
      receipts?.store(
        BlockExecutor.makeReceipt(
          entry.type, succeeded: entry.succeeded, logs: entry.logs,
          cumulativeGasUsed: entry.cumulativeGasUsed, fork: env.fork, root: nil,
          bloom: Bloom(logs: entry.logs, cache: &cache)),
        at: entry.index)
    }

    WorkerPool.shared.run(2) { worker in
      var cache = BloomCache()
      if worker == 0 {
        var committer = box.committer
        box.committer = ParallelExecutor.Committer(state: InMemoryState(), count: 0)
        commit(
          transactions, env: env, committer: &committer, speculations: speculations,
          claimed: claimed, commitPoint: commitPoint, lookahead: lookahead, counters: counters,
          published: published,
          receipts: receipts != nil
        ) { entry in buildReceipt(entry, &cache) }
        box.committer = committer
        stop.store(true, ordering: .releasing)
        published.finish()
      } else {
        speculate(
          transactions, env: env, preState: preState, speculations: speculations,
          claimed: claimed, commitPoint: commitPoint, lookahead: lookahead, stop: stop,
          counters: counters
        ) {
          // Far enough ahead: a receipt, when one is ready.
          var built = false
          published.drain(limit: 1) { entry in
            buildReceipt(entry, &cache)
            built = true
          }
          return built
        }
      }
      // Both threads finish the receipts.
      published.consume { entry in buildReceipt(entry, &cache) }
    }

    if STMTrace.phases {
      EVMTrace.write(
        "pipeline: speculated \(counters.speculated.load(ordering: .relaxed)) accepted \(counters.accepted.load(ordering: .relaxed)) rejected \(counters.rejected.load(ordering: .relaxed)) committer executions \(counters.committerExecutions.load(ordering: .relaxed))\n"
      )
    }
    let committer = box.committer
    statistics.executions =
      counters.speculated.load(ordering: .relaxed)
      + counters.committerExecutions.load(ordering: .relaxed)
    statistics.reexecutions = counters.rejected.load(ordering: .relaxed)
    statistics.aborts = counters.rejected.load(ordering: .relaxed)
    statistics.validations =
      counters.accepted.load(ordering: .relaxed) + counters.rejected.load(ordering: .relaxed)
    statistics.speculationsAccepted = counters.accepted.load(ordering: .relaxed)
    if let error = committer.error { throw error }
    state = committer.state
    return committer.outcomes
  }

  /// The committer: every transaction in order, from a valid speculation or
  /// executed on the exact state.
  static func commit(
    _ transactions: [BlockTransaction], env: BlockEnvironment,
    committer c: inout ParallelExecutor.Committer, speculations: SpinLockedArray<Speculation?>,
    claimed: borrowing Atomic<Int>, commitPoint: borrowing Atomic<Int>,
    lookahead: borrowing Atomic<Int>, counters: Counters, published: PublishedCommits,
    receipts: Bool,
    buildReceipt: (ParallelExecutor.Committed) -> Void
  ) {
    let workspace = TransactionWorkspace(placeholder: InMemoryState(), block: env)
    for index in transactions.indices {
      commitPoint.store(index, ordering: .relaxed)
      let item = transactions[index]
      var speculation: Speculation? = nil
      if claimed.load(ordering: .acquiring) > index
        || !claimed.compareExchange(expected: index, desired: index + 1, ordering: .acquiring)
          .exchanged
      {
        // The speculator has it: wait for its result, building receipts
        // meanwhile.
        var spins = 0
        var slowedSpeculator = false
        while true {
          if let taken = speculations.withLock(index, { $0.take() }) {
            speculation = taken
            break
          }
          if receipts && published.drain(limit: 1, buildReceipt) > 0 { continue }
          if !slowedSpeculator {
            // Idle, waiting for the speculator: it is the slower one, so
            // let it run less far ahead (the committer executes more).
            slowedSpeculator = true
            let current = lookahead.load(ordering: .relaxed)
            lookahead.store(max(1, current / 2), ordering: .relaxed)
          }
          spins += 1
          if spins > 64 { sched_yield() }
        }
      }
      ParallelExecutor.debugDelay?()
      do throws(BlockError) {
        if let speculation, case .success = speculation.outcome,
          stillHolds(speculation.reads, on: c.state)
        {
          counters.accepted.add(1, ordering: .relaxed)
          try c.commit(speculation.outcome, of: item, index: index, env: env)
        } else {
          if speculation != nil { counters.rejected.add(1, ordering: .relaxed) }
          counters.committerExecutions.add(1, ordering: .relaxed)
          let outcome = Result { () throws(InvalidTransaction) -> TransactionOutcome in
            try TransactionProcessor.execute(
              item.transaction, sender: item.sender, view: &c.state, block: env,
              blockGasUsed: c.gasUsed, blockBlobGasUsed: c.blobGasUsed, workspace: workspace)
          }
          try c.commit(outcome, of: item, index: index, env: env)
        }
      } catch {
        c.error = error
        return
      }
      if receipts, let last = c.outcomes.last {
        published.publish(
          ParallelExecutor.Committed(
            index: index, type: item.transaction.type, succeeded: last.status.isSuccess,
            cumulativeGasUsed: c.gasUsed, logs: last.logs))
      }
    }
  }

  /// How far ahead of the committer the speculator claims transactions at
  /// first. The distance then adapts so that neither thread idles: it
  /// halves when the committer waits for a speculation with nothing else
  /// to do (the speculator is the slower one, so the committer should
  /// execute a larger share itself), and grows by one whenever the
  /// speculator is held back with nothing else to do.
  static let initialLookahead = 4
  static let maximumLookahead = 1024

  /// The speculator: claims transactions a little ahead of the committer
  /// and runs them on the pre-state, until the block is claimed, the
  /// committer stops, or most of its results are being rejected. When far
  /// enough ahead, it calls `aside` (which says whether it did anything).
  static func speculate(
    _ transactions: [BlockTransaction], env: BlockEnvironment, preState: InMemoryState,
    speculations: SpinLockedArray<Speculation?>, claimed: borrowing Atomic<Int>,
    commitPoint: borrowing Atomic<Int>, lookahead: borrowing Atomic<Int>,
    stop: borrowing Atomic<Bool>, counters: Counters, aside: () -> Bool
  ) {
    let workspace = TransactionWorkspace(
      placeholder: SpeculativeView(preState: InMemoryState()), block: env)
    var view = SpeculativeView(preState: preState)
    var idle = 0
    while !stop.load(ordering: .relaxed) {
      let accepted = counters.accepted.load(ordering: .relaxed)
      let rejected = counters.rejected.load(ordering: .relaxed)
      if accepted + rejected >= rejectionWarmUp && rejected * 2 > accepted + rejected { return }
      let index = claimed.load(ordering: .relaxed)
      guard index < transactions.count else { return }
      let distance = lookahead.load(ordering: .relaxed)
      if index >= commitPoint.load(ordering: .relaxed) + distance {
        if aside() {
          idle = 0
        } else {
          lookahead.store(min(maximumLookahead, distance + 1), ordering: .relaxed)
          idle += 1
          if idle > 64 { sched_yield() }
        }
        continue
      }
      guard
        claimed.compareExchange(expected: index, desired: index + 1, ordering: .acquiring)
          .exchanged
      else { continue }
      ParallelExecutor.debugDelay?()
      let item = transactions[index]
      view.reads.removeAll(keepingCapacity: true)
      let lazySender = ParallelExecutor.isPlainTransfer(item, view: &view, fork: env.fork)
      let outcome = Result { () throws(InvalidTransaction) -> TransactionOutcome in
        try TransactionProcessor.execute(
          item.transaction, sender: item.sender, view: &view, block: env,
          lazySender: lazySender, workspace: workspace)
      }
      counters.speculated.add(1, ordering: .relaxed)
      let speculation = Speculation(reads: view.reads, outcome: outcome)
      ParallelExecutor.debugDelay?()
      speculations.withLock(index) { $0 = speculation }
    }
  }

  /// Whether every recorded answer is still what `state` gives.
  static func stillHolds(_ reads: [SpeculativeRead], on state: InMemoryState) -> Bool {
    for read in reads {
      switch read {
      case .account(let address, let info):
        if state.account(address) != info { return false }
      case .codeHash(let address, let hash):
        if state.codeHash(address) != hash { return false }
      case .storage(let address, let key, let value):
        if state.storage(address, key) != value { return false }
      case .dead(let address, let dead):
        if state.isDead(address) != dead { return false }
      case .hasStorage(let address, let has):
        if state.hasStorage(address) != has { return false }
      }
    }
    return true
  }
}

/// One answer a speculative execution's view gave (block hashes and code
/// by hash are fixed for the block and not recorded).
enum SpeculativeRead: Sendable {
  case account(Address, AccountInfo?)
  case codeHash(Address, Bytes32)
  case storage(Address, UInt256, UInt256)
  case dead(Address, Bool)
  case hasStorage(Address, Bool)
}

/// The view of a speculative execution: the block's pre-state, with every
/// answer recorded for the committer to check.
struct SpeculativeView: StateView {
  let preState: InMemoryState
  var reads: [SpeculativeRead] = []

  init(preState: InMemoryState) {
    self.preState = preState
  }

  mutating func account(_ address: Address) -> AccountInfo? {
    let info = preState.account(address)
    reads.append(.account(address, info))
    return info
  }

  mutating func codeHash(_ address: Address) -> Bytes32 {
    let hash = preState.codeHash(address)
    reads.append(.codeHash(address, hash))
    return hash
  }

  mutating func code(_ address: Address, hash: Bytes32) -> Bytecode {
    preState.code(address, hash: hash)
  }

  mutating func storage(_ address: Address, _ key: UInt256) -> UInt256 {
    let value = preState.storage(address, key)
    reads.append(.storage(address, key, value))
    return value
  }

  mutating func hasStorage(_ address: Address) -> Bool {
    let has = preState.hasStorage(address)
    reads.append(.hasStorage(address, has))
    return has
  }

  mutating func blockHash(_ number: UInt64) -> Bytes32 { preState.blockHash(number) }

  mutating func isDead(_ address: Address) -> Bool {
    let dead = preState.isDead(address)
    reads.append(.dead(address, dead))
    return dead
  }
}
