import Dispatch
import EVM
import EVMPrimitives
import Execution
import Synchronization
import Transactions
import WorldState

#if canImport(Glibc)
  import Glibc
#endif

/// How a block runs on more than one worker.
public enum ParallelStrategy: Sendable {
  /// The speculative pipeline on two workers (one core commits, one
  /// speculates: it keeps each core on one job), Block-STM on more.
  /// `PEVM_BLOCK_STM=1` makes two workers run Block-STM too.
  case automatic
  /// Block-STM for every worker count.
  case blockSTM
  /// The speculative pipeline (two threads) for every worker count above 1.
  case speculativePipeline

  func usesPipeline(workers: Int) -> Bool {
    switch self {
    case .automatic: return workers == 2 && !STMTrace.blockSTMOnly
    case .blockSTM: return false
    case .speculativePipeline: return workers >= 2
    }
  }
}

/// Gas and flags summed over a block's committed transactions.
struct BlockTotals: Sendable {
  var gasUsed: UInt64 = 0
  var blobGasUsed: UInt64 = 0
  var calledPendingPrecompile = false
}

/// Counters of one parallel block execution.
public struct ParallelStatistics: Sendable {
  public var workers = 0
  /// Transaction executions, first incarnations included.
  public var executions = 0
  /// Executions of an incarnation above 0.
  public var reexecutions = 0
  /// Validations that failed and aborted an incarnation.
  public var aborts = 0
  public var validations = 0
  /// Executions that met an ESTIMATE and parked on a lower transaction.
  public var dependencyWaits = 0
  /// Why the block (or its rest) ran sequentially, when it did.
  public var sequentialReason: String? = nil
  /// The first transaction executed sequentially after conflicts stopped
  /// the workers (`nil`: none).
  public var sequentialFrom: Int? = nil
  /// The speculative pipeline (two workers) ran the block.
  public var pipelined = false
  /// Speculative results the pipeline's committer found valid and applied.
  public var speculationsAccepted = 0
  /// The committed totals (kept by the committer, so that the thread that
  /// finishes the block need not read every outcome).
  var totals = BlockTotals()

  public init() {}
}

/// Parallel execution of a block. With `ParallelStrategy.automatic`, two
/// workers run the speculative pipeline (`SpeculativePipeline`) and more run
/// Block-STM: transactions run optimistically on worker threads against
/// multi-version memory, are validated, and are re-executed on conflicts.
/// The committed result equals sequential execution: every transaction's
/// final incarnation read exactly the values sequential execution would
/// give it, and the diffs are applied in block order.
///
/// Transactions are committed in block order while the others still run
/// (a rolling commit): the lowest uncommitted transaction is final once it is
/// executed and its reads are valid against the committed prefix, so the
/// block-order checks and the state diffs overlap with execution.
///
/// Invariants: `results[i]` is written by the worker executing transaction
/// `i` (the scheduler gives each incarnation to one worker), and its
/// `validatedEpoch` by validators of `i`; it is read by validators and by the
/// committer; its lock orders those accesses. The committed prefix
/// (`Committer`) is touched only under its lock, by one worker at a time.
/// `writeEpoch` is bumped (sequentially consistent) after each recorded write
/// set: a validation that began at epoch `e` saw every write set recorded
/// with an epoch at or below `e`.
public enum ParallelExecutor {
  /// Blocks with fewer transactions than this run sequentially.
  public static let minimumTransactions = 4
  /// Sequential execution builds receipts on a second thread only for at
  /// least this many transactions (fewer do not repay the hand-off).
  static let pipelineMinimum = 64
  /// Conflict detection looks at no fewer committed transactions than this,
  /// and switches only with at least this many left.
  static let fallbackWarmUp = 16
  /// More than one conflict per this many committed transactions switches
  /// the rest of the block to sequential execution.
  static let conflictRatio = 4

  /// Debug-only stress hook: when set, workers call it between the steps of
  /// every task (tests inject random delays to shake out races).
  #if DEBUG
    nonisolated(unsafe) public static var debugDelay: (@Sendable () -> Void)? = nil
  #else
    public static var debugDelay: (@Sendable () -> Void)? { nil }
  #endif

  /// The outcome of one incarnation.
  struct IncarnationResult: Sendable {
    var incarnation: Int
    var reads: [Read]
    var outcome: Result<TransactionOutcome, InvalidTransaction>
    /// The value of the executor's write counter just after this
    /// incarnation's writes were recorded.
    var writeEpoch: Int
    /// The write counter at the start of the latest successful validation of
    /// this incarnation (-1: none yet).
    var validatedEpoch = -1
  }

  /// Executes `block` on `state` with `workers` threads. Falls back to the
  /// sequential executor (and says why in the statistics) when the block is
  /// small, `workers` is 1, or a case cannot be run in parallel safely.
  public static func execute(
    _ block: Block, state: inout InMemoryState, workers: Int, fallbackOnConflicts: Bool = true,
    strategy: ParallelStrategy = .automatic
  ) throws(BlockError) -> (BlockResult, ParallelStatistics) {
    let t0 = DispatchTime.now().uptimeNanoseconds
    var working = state
    try BlockExecutor.preExecution(block, state: &working)
    let t1 = DispatchTime.now().uptimeNanoseconds
    let env = block.environment
    // The workers write receipts and leaves in place into these arrays.
    let count = block.transactions.count
    let trie = OrderedTrie(count: count)
    var receipts = [Receipt](repeating: ReceiptSlots.placeholder, count: count)
    var leaves = [TrieReference](repeating: .hash(.zero), count: count)
    let run = receipts.withUnsafeMutableBufferPointer { receiptBuffer in
      leaves.withUnsafeMutableBufferPointer { leafBuffer in
        Result {
          () throws(BlockError) -> ([TransactionOutcome], ParallelStatistics, Bloom, Bytes32) in
          let slots = ReceiptSlots(trie: trie, receipts: receiptBuffer, leaves: leafBuffer)
          let (outcomes, statistics) = try executeTransactions(
            block.transactions, environment: env, state: &working, workers: workers,
            forceParallel: STMTrace.forceParallel, fallbackOnConflicts: fallbackOnConflicts,
            strategy: strategy, receipts: slots)
          let bloom = slots.complete(block.transactions, outcomes: outcomes, fork: env.fork)
          return (outcomes, statistics, bloom, slots.root.root())
        }
      }
    }
    let (_, statistics, logsBloom, receiptsRoot) = try run.get()
    let t2 = DispatchTime.now().uptimeNanoseconds
    let gasUsed = statistics.totals.gasUsed
    let blobGasUsed = statistics.totals.blobGasUsed
    let pending = statistics.totals.calledPendingPrecompile
    let t2a = DispatchTime.now().uptimeNanoseconds
    let requestsHash = try BlockExecutor.postExecution(block, state: &working, receipts: receipts)
    state = working
    let t2b = DispatchTime.now().uptimeNanoseconds
    let result = BlockExecutor.finish(
      receipts: receipts, gasUsed: gasUsed, blobGasUsed: blobGasUsed,
      withdrawals: block.withdrawals,
      requestsHash: requestsHash, calledPendingPrecompile: pending,
      receiptsRoot: receiptsRoot, logsBloom: logsBloom)
    let t3 = DispatchTime.now().uptimeNanoseconds
    if STMTrace.phases {
      EVMTrace.write(
        "phases pre \((t1-t0)/1000) txs \((t2-t1)/1000) receipts \((t2a-t2)/1000) post \((t2b-t2a)/1000) finish \((t3-t2b)/1000) us\n"
      )
    }
    return (result, statistics)
  }

  /// Executes `transactions` in block order semantics on `state` (no
  /// system calls, rewards or withdrawals) and returns each transaction's
  /// outcome. Sequential when `workers` is 1 or there are fewer than
  /// `minimumTransactions` (unless `forceParallel`), or when a case cannot
  /// run in parallel safely.
  public static func executeTransactions(
    _ transactions: [BlockTransaction], environment env: BlockEnvironment,
    state: inout InMemoryState, workers: Int, forceParallel: Bool = false,
    fallbackOnConflicts: Bool = true, strategy: ParallelStrategy = .automatic
  ) throws(BlockError) -> ([TransactionOutcome], ParallelStatistics) {
    try executeTransactions(
      transactions, environment: env, state: &state, workers: workers,
      forceParallel: forceParallel, fallbackOnConflicts: fallbackOnConflicts, strategy: strategy,
      receipts: nil)
  }

  /// `executeTransactions`, with the workers also building each committed
  /// transaction's receipt and receipt-trie leaf into `receipts`. The
  /// outcomes of transactions whose receipts the workers built may be left
  /// out of the returned array (`Committer.keepsOutcomes`); the committed
  /// totals are in the statistics.
  static func executeTransactions(
    _ transactions: [BlockTransaction], environment env: BlockEnvironment,
    state: inout InMemoryState, workers: Int, forceParallel: Bool,
    fallbackOnConflicts: Bool, strategy: ParallelStrategy, receipts: ReceiptSlots?
  ) throws(BlockError) -> ([TransactionOutcome], ParallelStatistics) {
    var statistics = ParallelStatistics()
    statistics.workers = workers
    func sequential(_ reason: String) throws(BlockError) -> (
      [TransactionOutcome], ParallelStatistics
    ) {
      statistics.sequentialReason = reason
      var committer = Committer(state: state, count: transactions.count)
      try committer.executeRestPipelined(
        transactions, env: env, receipts: receipts, threads: workers)
      state = committer.state
      statistics.totals = committer.totals
      return (committer.outcomes, statistics)
    }
    if workers <= 1 && !forceParallel { return try sequential("one worker") }
    if transactions.count < minimumTransactions && !forceParallel {
      return try sequential("fewer than \(minimumTransactions) transactions")
    }
    let workers = max(1, workers)
    let s0 = DispatchTime.now().uptimeNanoseconds
    let senderChains = SenderChains(transactions, preState: state, fork: env.fork)
    if fallbackOnConflicts && !forceParallel
      && senderChains.repeated * senderChainRatio > transactions.count
    {
      return try sequential(
        "\(senderChains.repeated) of \(transactions.count) transactions read a sender that sent before"
      )
    }
    if strategy.usesPipeline(workers: workers) {
      if transactions.count < SpeculativePipeline.minimumTransactions && !forceParallel {
        return try sequential(
          "fewer than \(SpeculativePipeline.minimumTransactions) transactions for the pipeline")
      }
      statistics.pipelined = true
      let outcomes = try SpeculativePipeline.execute(
        transactions, environment: env, state: &state, receipts: receipts,
        chained: senderChains.chained, statistics: &statistics)
      return (outcomes, statistics)
    }
    let memory = MultiVersionMemory(transactionCount: transactions.count, coinbase: env.coinbase)
    let scheduler = Scheduler(transactionCount: transactions.count)
    let resolver = LocationResolver(memory: memory, preState: state)
    let results = SpinLockedArray<IncarnationResult?>(count: transactions.count) { _ in nil }
    let counters = Counters()
    let delay = debugDelay
    /// Bumped after every recorded write set (see `IncarnationResult.writeEpoch`).
    let writeEpoch = Atomic<Int>(0)
    let committer = Locked(Committer(state: state, count: transactions.count))
    /// Set when every transaction is committed, or the block failed.
    let finished = Atomic<Bool>(false)
    let gate = IdleGate()
    /// Ends the block's parallel phase: every worker leaves its loop.
    @Sendable func stopWorkers() {
      finished.store(true, ordering: .sequentiallyConsistent)
      gate.signal()
    }

    /// Whether every recorded read of `index` still resolves to what it saw.
    @Sendable func readsAreValid(_ reads: [Read], _ index: Int) -> Bool {
      for read in reads {
        guard resolver.stillObserves(read.location, read.observed, below: index) else {
          if STMTrace.enabled { EVMTrace.write("abort \(index) at \(read.location)\n") }
          return false
        }
      }
      return true
    }

    /// Runs one incarnation; returns the follow-up task.
    @Sendable func execute(_ index: Int, _ incarnation: Int, _ local: inout WorkerLocal)
      -> Scheduler.Task?
    {
      while true {
        local.executions += 1
        if incarnation > 0 { counters.reexecutions.add(1, ordering: .relaxed) }
        var view = local.view.take()!
        view.reset(index: index)
        defer { local.view = view }
        let (lazySender, outcome) = executeOptimistically(
          transactions[index], view: &view, env: env, workspace: local.workspace)
        if STMTrace.enabled {
          EVMTrace.write("executed \(index).\(incarnation) lazy=\(lazySender)\n")
        }
        delay?()
        if view.unsupported {
          counters.unsupported.store(true, ordering: .sequentiallyConsistent)
          stopWorkers()
          return nil
        }
        if let blocker = view.blockedBy {
          counters.dependencyWaits.add(1, ordering: .relaxed)
          if scheduler.addDependency(index, blocking: blocker) { return nil }
          continue  // the blocker finished meanwhile: run again now
        }
        // The write and read buffers come from this worker's pools (filled by
        // the transactions it committed), so an incarnation allocates neither.
        var writes = local.writeBuffers.popLast() ?? []
        if case .success(let value) = outcome { writeSet(of: value.changes, into: &writes) }
        let wroteNew = memory.record(transaction: index, incarnation: incarnation, writes: writes)
        let epoch = writeEpoch.add(1, ordering: .sequentiallyConsistent).newValue
        var reads = local.readBuffers.popLast() ?? []
        swap(&reads, &view.reads)
        results.withLock(index) {
          $0 = IncarnationResult(
            incarnation: incarnation, reads: reads, outcome: outcome, writeEpoch: epoch)
        }
        delay?()
        let next = scheduler.finishExecution(
          index, incarnation: incarnation, wroteNewLocation: wroteNew)
        gate.signal()
        return next
      }
    }

    /// Validates one incarnation; returns the follow-up task.
    @Sendable func validate(_ index: Int, _ incarnation: Int, _ local: inout WorkerLocal)
      -> Scheduler.Task?
    {
      local.validations += 1
      let startEpoch = writeEpoch.load(ordering: .sequentiallyConsistent)
      let reads = results.withLock(index) { $0?.reads } ?? []
      let valid = readsAreValid(reads, index)
      delay?()
      if valid {
        results.withLock(index) { result in
          if result?.incarnation == incarnation {
            result!.validatedEpoch = max(result!.validatedEpoch, startEpoch)
          }
        }
      }
      let aborted = !valid && scheduler.tryValidationAbort(index, incarnation: incarnation)
      if aborted {
        counters.aborts.add(1, ordering: .relaxed)
        memory.markEstimates(transaction: index)
      }
      let next = scheduler.finishValidation(index, aborted: aborted)
      if aborted { gate.signal() }
      return next
    }

    /// Whether conflicts make parallel execution slower than sequential:
    /// after a warm-up prefix, more than one re-execution or dependency wait
    /// per `conflictRatio` committed transactions, with enough of the block
    /// left to gain from switching.
    @Sendable func shouldFallBack(committed: Int) -> Bool {
      guard committed >= fallbackWarmUp, transactions.count - committed >= fallbackWarmUp else {
        return false
      }
      let conflicts =
        counters.reexecutions.load(ordering: .relaxed)
        + counters.dependencyWaits.load(ordering: .relaxed)
      return conflicts * conflictRatio > committed
    }

    /// Commits transactions in block order while the lowest uncommitted one
    /// is executed and its reads are final (taken by whichever worker finds
    /// the committer free). Returns a re-execution task when the lowest
    /// transaction had to be aborted.
    @Sendable func commitReady(_ local: inout WorkerLocal) -> Scheduler.Task? {
      let task: Scheduler.Task?? = committer.withLockIfAvailable { c -> Scheduler.Task? in
        while c.next < transactions.count {
          let index = c.next
          guard let incarnation = scheduler.executedIncarnation(index) else { return nil }
          // Decided under the result's lock, without copying it: the
          // result is moved out when the transaction commits (it is never
          // needed again).
          let step: CommitStep = results.withLock(index) { slot in
            guard slot?.incarnation == incarnation else { return .notReady }
            // Every transaction below is committed: its last writes are
            // final. A validation that started after them all is
            // conclusive; else validate now, against the final prefix.
            if slot!.validatedEpoch < c.maxWriteEpoch {
              local.validations += 1
              if !readsAreValid(slot!.reads, index) { return .abort }
            }
            guard scheduler.tryCommit(index, incarnation: incarnation) else { return .notReady }
            return .commit(slot.take()!)
          }
          let result: IncarnationResult
          switch step {
          case .notReady: return nil
          case .abort:
            guard scheduler.tryValidationAbort(index, incarnation: incarnation) else { return nil }
            counters.aborts.add(1, ordering: .relaxed)
            memory.markEstimates(transaction: index)
            return scheduler.finishAbortAtCommit(index)
          case .commit(let taken): result = taken
          }
          c.maxWriteEpoch = max(c.maxWriteEpoch, result.writeEpoch)
          local.recycle(reads: result.reads, writes: memory.takeWrites(transaction: index))
          let item = transactions[index]
          do throws(BlockError) {
            try c.commit(result.outcome, of: item, index: index, env: env)
          } catch {
            c.error = error
            stopWorkers()
            return nil
          }
          if receipts != nil, case .success(let outcome) = result.outcome {
            local.committed.append(
              Committed(
                index: index, type: item.transaction.type, succeeded: outcome.status.isSuccess,
                cumulativeGasUsed: c.gasUsed, logs: outcome.logs))
          }
          if fallbackOnConflicts && shouldFallBack(committed: c.next) {
            c.fellBack = true
            stopWorkers()
            return nil
          }
        }
        stopWorkers()
        return nil
      }
      return task ?? nil
    }

    for (index, sender) in senderChains.seeds {
      memory.seedEstimate(transaction: index, location: .basic(sender))
    }

    let s1 = DispatchTime.now().uptimeNanoseconds
    WorkerPool.shared.run(workers) { worker in
      var task: Scheduler.Task? = nil
      var idle = 0
      var local = WorkerLocal(
        workspace: TransactionWorkspace(
          placeholder: MultiVersionView(resolver: resolver, index: 0), block: env),
        view: MultiVersionView(resolver: resolver, index: 0))
      let timed = STMTrace.phases
      var mark = timed ? DispatchTime.now().uptimeNanoseconds : 0
      /// Debug timing (`PEVM_STM_PHASES`): adds the time since the last mark to `bucket`.
      func account(_ bucket: WritableKeyPath<WorkerLocal, UInt64>) {
        guard timed else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        local[keyPath: bucket] += now - mark
        if STMTrace.timeline {
          let name: String
          switch bucket {
          case \WorkerLocal.executeNanoseconds: name = "exec"
          case \WorkerLocal.validateNanoseconds: name = "valid"
          case \WorkerLocal.commitNanoseconds: name = "commit"
          case \WorkerLocal.receiptNanoseconds: name = "receipts"
          default: name = "idle"
          }
          local.timeline.append("\(worker) \((mark - s1) / 1000) \((now - s1) / 1000) \(name)")
        }
        mark = now
      }
      while !finished.load(ordering: .sequentiallyConsistent) {
        switch task {
        case .execute(let index, let incarnation)?:
          task = execute(index, incarnation, &local)
          if timed { account(\.executeNanoseconds) }
        case .validate(let index, let incarnation)?:
          task = validate(index, incarnation, &local)
          if timed { account(\.validateNanoseconds) }
        case nil:
          task = commitReady(&local)
          if timed { account(\.commitNanoseconds) }
          if let receipts, !local.committed.isEmpty {
            // Outside the committer's lock: encoding and hashing receipts
            // overlaps with the other workers' execution.
            // Two fields of `local` are passed inout: through copies (one
            // access each to the captured variable).
            var cache = local.bloomCache
            var part = local.receiptPart
            for entry in local.committed {
              receipts.build(entry, fork: env.fork, cache: &cache, part: &part)
            }
            local.bloomCache = cache
            local.receiptPart = part
            local.committed.removeAll(keepingCapacity: true)
            if timed { account(\.receiptNanoseconds) }
          }
          if task == nil { task = scheduler.nextTask() }
          if task == nil {
            // Nothing to do until another worker makes progress: look again
            // a few times, then wait at the gate (an oversubscribed machine
            // may have descheduled the worker everyone waits for; spinning
            // would take its core).
            idle += 1
            local.idleRounds += 1
            if idle > 16 {
              local.idleSleeps += 1
              let epoch = gate.prepare()
              task = commitReady(&local) ?? scheduler.nextTask()
              if task == nil && local.committed.isEmpty
                && !finished.load(ordering: .sequentiallyConsistent)
              {
                if !gate.wait(epoch) && STMTrace.timeline {
                  let next = committer.withLock { $0.next }
                  EVMTrace.write(
                    "timeout at worker \(worker): next commit \(next): \(scheduler.describe(next))\n"
                  )
                }
              }
              gate.finish()
              idle = 0
            }
          } else {
            idle = 0
          }
          if timed { account(\.idleNanoseconds) }
        }
      }
      receipts?.merge(local.receiptPart)
      counters.executions.add(local.executions, ordering: .relaxed)
      counters.validations.add(local.validations, ordering: .relaxed)
      counters.idleRounds.add(local.idleRounds, ordering: .relaxed)
      counters.idleSleeps.add(local.idleSleeps, ordering: .relaxed)
      if STMTrace.timeline {
        EVMTrace.write(local.timeline.joined(separator: "\n") + "\n")
      }
      if timed {
        EVMTrace.write(
          "worker: execute \(local.executeNanoseconds / 1000) validate \(local.validateNanoseconds / 1000) commit \(local.commitNanoseconds / 1000) receipts \(local.receiptNanoseconds / 1000) idle \(local.idleNanoseconds / 1000) us\n"
        )
      }
    }

    let s2 = DispatchTime.now().uptimeNanoseconds
    if STMTrace.phases {
      EVMTrace.write(
        "stm setup \((s1-s0)/1000) run \((s2-s1)/1000) us, idle rounds \(counters.idleRounds.load(ordering: .relaxed)) sleeps \(counters.idleSleeps.load(ordering: .relaxed))\n"
      )
    }
    statistics.executions = counters.executions.load(ordering: .relaxed)
    statistics.reexecutions = counters.reexecutions.load(ordering: .relaxed)
    statistics.aborts = counters.aborts.load(ordering: .relaxed)
    statistics.validations = counters.validations.load(ordering: .relaxed)
    statistics.dependencyWaits = counters.dependencyWaits.load(ordering: .relaxed)
    let unsupported = counters.unsupported.load(ordering: .sequentiallyConsistent)
    // Moved out of the lock (a copy would share the state's storage, and
    // the next write to it would copy the whole state).
    var committed = committer.withLock { c in
      var out = Committer(state: InMemoryState(), count: 0)
      swap(&out, &c)
      return out
    }
    if let error = committed.error { throw error }
    if committed.fellBack || unsupported {
      // The committed prefix is final (its receipts are built); the rest
      // runs sequentially on it.
      let cause =
        unsupported
        ? "storage written earlier in the block was asked for by a CREATE collision check"
        : "conflicts"
      statistics.sequentialReason =
        "\(cause): sequential after \(committed.next) of \(transactions.count) transactions"
      statistics.sequentialFrom = committed.next
      try committed.executeRestPipelined(
        transactions, env: env, receipts: receipts, threads: workers)
    }
    precondition(
      committed.next == transactions.count,
      "Block-STM finished without committing every transaction")
    state = committed.state
    statistics.totals = committed.totals
    return (committed.outcomes, statistics)
  }

  /// What one worker counts and keeps to itself (summed into `Counters`
  /// when it finishes, so that counting costs no shared cache line).
  struct WorkerLocal {
    var executions = 0
    var validations = 0
    var idleRounds = 0
    var idleSleeps = 0
    /// Debug timing (`PEVM_STM_PHASES`), in nanoseconds.
    var executeNanoseconds: UInt64 = 0
    var validateNanoseconds: UInt64 = 0
    var commitNanoseconds: UInt64 = 0
    var receiptNanoseconds: UInt64 = 0
    var idleNanoseconds: UInt64 = 0
    var timeline: [String] = []
    var bloomCache = BloomCache()
    /// The receipts this worker built (their blooms' OR and number).
    var receiptPart = ReceiptSlots.WorkerPart()
    /// This worker's reusable journaled state and EVM.
    let workspace: TransactionWorkspace<MultiVersionView>
    /// This worker's view, reused from one incarnation to the next.
    var view: MultiVersionView?
    /// Transactions this worker committed whose receipts it has yet to build.
    var committed: [Committed] = []
    /// Emptied read and write buffers of committed transactions, for this
    /// worker's next incarnations.
    var readBuffers: [[Read]] = []
    var writeBuffers: [[Write]] = []

    /// Keeps the buffers of a committed transaction for reuse (a few, not
    /// every one: a worker needs about one of each per incarnation).
    mutating func recycle(reads: consuming [Read], writes: consuming [Write]) {
      if readBuffers.count < 8 {
        var reads = reads
        reads.removeAll(keepingCapacity: true)
        readBuffers.append(reads)
      }
      if writeBuffers.count < 8 {
        var writes = writes
        writes.removeAll(keepingCapacity: true)
        writeBuffers.append(writes)
      }
    }
  }

  /// A transaction just committed, whose receipt the committing worker
  /// builds once it has left the committer's lock.
  struct Committed {
    var index: Int
    var type: TransactionType
    var succeeded: Bool
    var cumulativeGasUsed: UInt64
    var logs: [Log]
    /// The speculation the transaction was committed from, if any: it goes
    /// with the entry to the thread that builds the receipt, which frees
    /// it. Most often that is the speculator, whose allocator then takes
    /// its own memory back; freed by the committer, every buffer went back
    /// to the other thread's heap, on the committer's critical path.
    var speculation: SpeculativePipeline.Speculation? = nil

    init(index: Int, type: TransactionType, succeeded: Bool, cumulativeGasUsed: UInt64, logs: [Log])
    {
      self.index = index
      self.type = type
      self.succeeded = succeeded
      self.cumulativeGasUsed = cumulativeGasUsed
      self.logs = logs
    }

    /// The entry of transaction `index` committed with `result` (`nil` for
    /// a failure, which never commits).
    init?(
      _ index: Int, _ item: BlockTransaction,
      _ result: Result<TransactionOutcome, InvalidTransaction>,
      cumulativeGasUsed: UInt64
    ) {
      guard case .success(let outcome) = result else { return nil }
      self.init(
        index: index, type: item.transaction.type, succeeded: outcome.status.isSuccess,
        cumulativeGasUsed: cumulativeGasUsed, logs: outcome.logs)
    }
  }

  /// What the committer does with the lowest uncommitted transaction.
  enum CommitStep {
    /// Not executed yet, or being re-executed.
    case notReady
    /// Its reads are stale: abort and re-execute it.
    case abort
    /// Its reads are final: commit this result.
    case commit(IncarnationResult)
  }

  /// The committed prefix of the block: the state after it and its
  /// outcomes. Guarded by a lock; one worker at a time extends it.
  struct Committer {
    var state: InMemoryState
    /// The lowest uncommitted transaction.
    var next = 0
    /// The highest `writeEpoch` of the committed transactions.
    var maxWriteEpoch = 0
    var outcomes: [TransactionOutcome] = []
    var gasUsed: UInt64 = 0
    var blobGasUsed: UInt64 = 0
    var calledPendingPrecompile = false
    /// False when every receipt is built from `Committed` entries: an
    /// outcome is then dropped once applied (and `outcomes` stays empty).
    var keepsOutcomes = true
    var error: BlockError? = nil
    /// Conflicts made the workers stop; the rest runs sequentially.
    var fellBack = false

    init(state: InMemoryState, count: Int) {
      self.state = state
      self.state.reserveWrites(transactions: count)
      outcomes.reserveCapacity(count)
    }

    var totals: BlockTotals {
      BlockTotals(
        gasUsed: gasUsed, blobGasUsed: blobGasUsed,
        calledPendingPrecompile: calledPendingPrecompile)
    }

    /// Executes the transactions from `next` on sequentially (`published`,
    /// when given, is told of each one committed).
    mutating func executeRest(
      _ transactions: [BlockTransaction], env: BlockEnvironment,
      published: PublishedCommits? = nil
    ) throws(BlockError) {
      let workspace = TransactionWorkspace(placeholder: InMemoryState(), block: env)
      while next < transactions.count {
        let item = transactions[next]
        let outcome = try executeNext(item, env: env, workspace: workspace)
        if let published, let entry = Committed(next - 1, item, outcome, cumulativeGasUsed: gasUsed)
        {
          published.publish(entry)
        }
      }
    }

    /// `executeRest`, with a second thread building the receipts and
    /// receipt-trie leaves of the transactions as they commit: execution
    /// stays sequential (exact, whatever the conflicts), and the encoding
    /// and hashing, a large part of a block of simple transactions,
    /// overlaps with it.
    mutating func executeRestPipelined(
      _ transactions: [BlockTransaction], env: BlockEnvironment, receipts: ReceiptSlots?,
      threads: Int
    ) throws(BlockError) {
      guard let receipts, threads >= 2, transactions.count - next >= pipelineMinimum else {
        return try executeRest(transactions, env: env)
      }
      let published = PublishedCommits(first: next, count: transactions.count)
      keepsOutcomes = false  // the receipts are built from `published`
      let box = CommitterBox(self)
      self = Committer(state: InMemoryState(), count: 0)
      WorkerPool.shared.run(2) { worker in
        if worker == 0 {
          do throws(BlockError) {
            try box.committer.executeRest(transactions, env: env, published: published)
          } catch {
            box.committer.error = error
          }
          published.finish()
        }
        // Both threads finish the receipts (the executing one once done).
        var cache = BloomCache()
        var assistCache = BloomCache()
        var part = ReceiptSlots.WorkerPart()
        published.consume({ entry in
          receipts.build(entry, fork: env.fork, cache: &cache, part: &part)
        }) {
          receipts.sharedBloom.assist(cache: &assistCache)
        }
        receipts.merge(part)
      }
      self = box.committer
      if let error { throw error }
    }

    /// Executes the next transaction on the committed state (exact: every
    /// transaction below is committed) and commits it; returns its outcome.
    mutating func executeNext(
      _ item: BlockTransaction, env: BlockEnvironment,
      workspace: TransactionWorkspace<InMemoryState>
    ) throws(BlockError) -> Result<TransactionOutcome, InvalidTransaction> {
      let outcome = Result { () throws(InvalidTransaction) -> TransactionOutcome in
        try TransactionProcessor.execute(
          item.transaction, sender: item.sender, view: &state, block: env,
          blockGasUsed: gasUsed, blockBlobGasUsed: blobGasUsed, workspace: workspace)
      }
      try commit(outcome, of: item, index: next, env: env)
      return outcome
    }

    /// The block-order checks (a lazy sender's nonce and balance, block gas
    /// and blob gas limits), then the diff.
    mutating func commit(
      _ result: Result<TransactionOutcome, InvalidTransaction>, of item: BlockTransaction,
      index: Int, env: BlockEnvironment
    ) throws(BlockError) {
      switch result {
      case .failure(let error):
        throw .invalidTransaction(index: index, hash: item.transaction.hash, reason: error)
      case .success(let outcome):
        try withUnsafePointer(to: outcome) { (outcome) throws(BlockError) in
          try commit(outcomeAt: outcome, of: item, index: index, env: env)
        }
      }
    }

    /// `commit` of a valid transaction's outcome, read in place (a
    /// speculation's outcome stays where the speculator left it: copying it
    /// whole would retain each of its buffers).
    mutating func commit(
      outcomeAt address: UnsafePointer<TransactionOutcome>, of item: BlockTransaction,
      index: Int, env: BlockEnvironment
    ) throws(BlockError) {
      try checkBlockOrder(
        address.pointee.deferredSenderCheck, blobGasUsed: address.pointee.blobGasUsed, of: item,
        index: index, env: env)
      state.apply(address.pointee.changes)
      account(
        gasUsed: address.pointee.gasUsed, blobGasUsed: address.pointee.blobGasUsed,
        calledPendingPrecompile: address.pointee.calledPendingPrecompile)
      if keepsOutcomes { outcomes.append(address.pointee) }
    }

    /// `commit` of a packed speculation's outcome (only when the receipts
    /// are built from `Committed` entries: no outcome is kept).
    mutating func commit(
      packed: PackedSpeculation, of item: BlockTransaction, index: Int, env: BlockEnvironment
    ) throws(BlockError) {
      precondition(!keepsOutcomes, "a packed speculation keeps no outcome")
      let blobGasUsed = packed.blobGasUsed
      try checkBlockOrder(
        packed.deferredSenderCheck, blobGasUsed: blobGasUsed, of: item, index: index, env: env)
      packed.apply(to: &state)
      account(
        gasUsed: packed.gasUsed, blobGasUsed: blobGasUsed,
        calledPendingPrecompile: packed.calledPendingPrecompile)
    }

    /// The checks that only the block order can make: a lazily executed
    /// sender's nonce and balance on the committed state, and the block's
    /// gas and blob gas limits.
    @inline(__always)
    func checkBlockOrder(
      _ deferredSenderCheck: DeferredSenderCheck?, blobGasUsed transactionBlobGas: UInt64,
      of item: BlockTransaction, index: Int, env: BlockEnvironment
    ) throws(BlockError) {
      if let check = deferredSenderCheck {
        let account = state.account(item.sender) ?? AccountInfo()
        if account.nonce != check.nonce {
          throw .invalidTransaction(
            index: index, hash: item.transaction.hash,
            reason: .nonceMismatch(expected: account.nonce, got: check.nonce))
        }
        if account.balance < check.balance {
          throw .invalidTransaction(
            index: index, hash: item.transaction.hash, reason: .insufficientBalance)
        }
      }
      let available = env.gasLimit &- gasUsed
      if item.transaction.gasLimit > available {
        throw .invalidTransaction(
          index: index, hash: item.transaction.hash,
          reason: .gasLimitExceedsBlock(limit: item.transaction.gasLimit, available: available))
      }
      if transactionBlobGas > 0
        && blobGasUsed + transactionBlobGas > BlobGas.maxBlobsPerBlock(env.fork) * BlobGas.perBlob
      {
        throw .invalidTransaction(
          index: index, hash: item.transaction.hash, reason: .blob("block blob gas limit exceeded"))
      }
    }

    /// Adds a committed transaction's gas to the block's and moves on.
    @inline(__always)
    mutating func account(gasUsed: UInt64, blobGasUsed: UInt64, calledPendingPrecompile: Bool) {
      self.gasUsed += gasUsed
      self.blobGasUsed += blobGasUsed
      self.calledPendingPrecompile = self.calledPendingPrecompile || calledPendingPrecompile
      next += 1
    }
  }

  /// Runs `item` on `view` as a worker does before it is known to be
  /// final: a plain transfer's sender is handled lazily (its checks are left
  /// to the committer), and the block gas is not checked (the committer
  /// checks it). Returns whether the sender was lazy, and the outcome.
  static func executeOptimistically<View: StateView>(
    _ item: BlockTransaction, view: inout View, env: BlockEnvironment,
    workspace: TransactionWorkspace<View>
  ) -> (lazySender: Bool, outcome: Result<TransactionOutcome, InvalidTransaction>) {
    let lazySender = isPlainTransfer(item, view: &view, fork: env.fork)
    let outcome = Result { () throws(InvalidTransaction) -> TransactionOutcome in
      try TransactionProcessor.execute(
        item.transaction, sender: item.sender, view: &view, block: env, lazySender: lazySender,
        workspace: workspace)
    }
    return (lazySender, outcome)
  }

  /// A plain value transfer to an account without code (and not a
  /// precompile): its sender can be handled lazily. Reads only the
  /// recipient's code hash, which is recorded for validation.
  static func isPlainTransfer<View: StateView>(
    _ item: BlockTransaction, view: inout View, fork: Fork
  )
    -> Bool
  {
    let tx = item.transaction
    guard let to = tx.to, tx.type != .setCode, tx.type != .blob, to != item.sender else {
      return false
    }
    if Precompiles.lookup(to, fork: fork) != nil { return false }
    return view.codeHash(to) == Keccak256.emptyHash
  }

  /// The locations and values a transaction's diff writes.
  static func writeSet(of changes: StateChanges) -> [Write] {
    var writes: [Write] = []
    writeSet(of: changes, into: &writes)
    return writes
  }

  /// Appends the locations and values a transaction's diff writes to `writes`.
  static func writeSet(of changes: StateChanges, into writes: inout [Write]) {
    writes.reserveCapacity(changes.accounts.count * 2 + changes.deltas.count)
    for (address, change) in changes.accounts {
      if change.infoChanged {
        writes.append(Write(.basic(address), .account(change.info)))
        if change.code != nil || change.info == nil || change.storageCleared {
          writes.append(Write(.code(address), .code(CodeReference(change.code ?? .empty))))
        }
      }
      if change.storageCleared {
        writes.append(Write(.storageEpoch(address), .marker))
      }
      for (key, value) in change.storage {
        writes.append(Write(.storage(address, key), .storage(value)))
      }
      if change.storageCleared || !change.storage.isEmpty {
        writes.append(Write(.storageWritten(address), .marker))
      }
    }
    for (address, delta) in changes.deltas {
      writes.append(Write(.basic(address), .delta(delta)))
    }
  }

  /// Blocks where more than one transaction in this many follows an
  /// earlier one from the same sender run sequentially from the start: each
  /// such transaction waits for the one before (its nonce), so they form
  /// chains that leave little to run side by side.
  static let senderChainRatio = 2

  /// Where senders send more than once in a block. Each transaction writes
  /// its sender's account: where a sender sends again later, that is marked
  /// as an ESTIMATE up front (`seeds`), so that the later transaction waits
  /// instead of running on a stale nonce.
  struct SenderChains {
    /// (transaction, sender) pairs to seed as ESTIMATEs.
    var seeds: [(Int, Address)] = []
    /// Transactions whose sender sent earlier in the block and that must
    /// read the sender's account (all but plain transfers, whose sender is
    /// handled lazily, judged here on the pre-state).
    var repeated = 0
    /// `chained[i]`: transaction `i` is one of those counted in `repeated`
    /// (run on the pre-state, it would read its sender's old nonce).
    var chained: [Bool]

    init(_ transactions: [BlockTransaction], preState: InMemoryState, fork: Fork) {
      chained = [Bool](repeating: false, count: transactions.count)
      var lastBySender = FlatDictionary<Address, Int>(minimumCapacity: transactions.count)
      var preState = preState
      transactions.withUnsafeBufferPointer { transactions in
        for index in transactions.indices {
          let sender = transactions[index].sender
          if let earlier = lastBySender[sender] {
            if !isPlainTransfer(transactions[index], view: &preState, fork: fork) {
              repeated += 1
              chained[index] = true
            }
            if earlier >= 0 { seeds.append((earlier, sender)) }
            seeds.append((index, sender))
            lastBySender[sender] = -1  // seeded from here on
          } else {
            lastBySender[sender] = index
          }
        }
      }
    }
  }

  /// Holds the committer while a pipelined run's executing thread owns it
  /// (the join of the run orders its writes before the caller's reads).
  final class CommitterBox: @unchecked Sendable {
    var committer: Committer
    init(_ committer: Committer) { self.committer = committer }
  }

  final class Counters: Sendable {
    let executions = Atomic<Int>(0)
    let reexecutions = Atomic<Int>(0)
    let aborts = Atomic<Int>(0)
    let validations = Atomic<Int>(0)
    let dependencyWaits = Atomic<Int>(0)
    /// Rounds in which a worker found nothing to do, and sleeps.
    let idleRounds = Atomic<Int>(0)
    let idleSleeps = Atomic<Int>(0)
    /// Set when a case cannot run in parallel safely; workers then stop.
    let unsupported = Atomic<Bool>(false)
  }
}
