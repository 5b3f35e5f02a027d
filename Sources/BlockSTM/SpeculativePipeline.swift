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

/// Two-thread parallel execution: a committer executes the block in order,
/// as the sequential executor does, from the front, while a speculator runs
/// transactions from the back against the block's pre-state and records
/// every answer its view gave. They meet in the middle (each transaction is
/// claimed by one of them), where the split follows their speeds. From
/// there the committer goes through the speculated transactions in order:
/// it checks each recorded answer against its own, exact state; if all
/// still hold, the execution would be the same on that state, and it
/// applies the speculative diff, else it executes the transaction itself.
/// The speculator, done, builds receipts and their trie leaves as
/// transactions commit; both finish them. When a sample of the speculator's
/// results already reads stale values (a block full of conflicts), the
/// committer tells it to stop claiming and build receipts instead.
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
/// - `slots[i]` (under its lock) says who has transaction `i`: unclaimed,
///   the committer, the speculator (running it), or the speculator's result.
///   A claim moves a slot from unclaimed, so each transaction goes to one
///   thread. The committer claims upward from 0, the speculator downward
///   from the last; the speculator stops at the first slot the committer
///   has. It leaves unclaimed the transactions whose sender sent earlier in
///   the block (`chained`: on the pre-state they would read the sender's
///   old nonce and fail) and those calling a contract it found contended
///   (`Contention`); past the meeting point the committer claims those
///   itself.
/// - The speculator stores its result in the slot it claimed and never
///   waits for the committer; the committer, reaching a slot the speculator
///   is running, waits for the result, which therefore comes (spinning,
///   then yielding, then asleep at `Counters.handedOver`, which the
///   speculator signals after every hand-over; sleeps also time out).
/// - `Counters.speculationOff` is set once, by the committer; the
///   speculator reads it before each claim (a late read costs one more
///   speculation, never a wrong result).
/// - The pre-state is never written while the threads run: the committer
///   writes its own copy (copy on write), adding accounts to its
///   `AccountStore.changes` and never flattening it, so an account absent
///   from them is still the pre-state's (`stillHolds` skips it).
/// - The committer's state is touched only by the committer thread;
///   `CommitterBox` hands it over across the pool's join.
/// - When receipts are built from the published entries (every block
///   execution), the speculator packs each result into the block's
///   `SpeculationArena` (`Slot.packed`): a few consecutive cache lines,
///   which the committer reads in ascending order; results it cannot pack
///   (deployed code, a full arena) are `Speculation` objects. The arena
///   outlives both threads (freed after the join).
/// - An accepted `Speculation` goes with its published entry
///   (`ParallelExecutor.Committed.speculation`) to the thread that builds
///   the receipt, which frees it: the committer keeps no reference.
enum SpeculativePipeline {
  /// Smaller blocks run sequentially (waking the second thread costs more
  /// than it can save).
  static let minimumTransactions = 8
  /// When the committer has committed this many transactions, and each
  /// doubling after, it checks a few of the speculator's finished results
  /// against its state: when most already read stale values, the block is
  /// full of conflicts and the speculator switches to building receipts.
  static let firstStalenessCheck = 16
  static let stalenessSample = 4

  /// A speculative execution's outcome with the answers it was given. A
  /// class: slots and the committer pass one reference around (a struct
  /// this size was copied through its type's value witnesses, retaining
  /// each of its buffers).
  final class Speculation: @unchecked Sendable {
    let reads: [SpeculativeRead]
    /// The outcome, where the committer reads it in place (a stored
    /// property passed on was copied, retaining each of its buffers, on
    /// lines the speculator's core wrote); `nil` when the
    /// transaction was invalid on the pre-state (the committer then runs it
    /// itself). Written once, in `init`, before the object is shared, and
    /// freed in `deinit`: immutable while shared (hence `@unchecked
    /// Sendable`).
    let outcome: UnsafePointer<TransactionOutcome>?

    init(reads: [SpeculativeRead], outcome: Result<TransactionOutcome, InvalidTransaction>) {
      self.reads = reads
      if case .success(let value) = outcome {
        let pointer = UnsafeMutablePointer<TransactionOutcome>.allocate(capacity: 1)
        pointer.initialize(to: value)
        self.outcome = UnsafePointer(pointer)
      } else {
        self.outcome = nil
      }
    }

    deinit {
      guard let outcome else { return }
      UnsafeMutablePointer(mutating: outcome).deinitialize(count: 1)
      outcome.deallocate()
    }
  }

  /// Who has a transaction.
  enum Slot {
    case unclaimed
    case committer
    case speculating
    case speculated(Speculation)
    /// The speculator's result, packed in the block's `SpeculationArena`.
    case packed(PackedSpeculation)
  }

  /// What the committer found in a slot past the meeting point.
  enum Taken {
    case speculation(Speculation)
    case packed(PackedSpeculation)
    /// Left unclaimed by the speculator: the committer executes it.
    case claimed
    /// Still running on the speculator.
    case notYet
  }

  /// Each thread counts locally and stores its totals here when it ends.
  final class Counters: Sendable {
    let speculated = Atomic<Int>(0)
    /// Of those, the results packed in the arena.
    let packed = Atomic<Int>(0)
    let accepted = Atomic<Int>(0)
    let rejected = Atomic<Int>(0)
    let committerExecutions = Atomic<Int>(0)
    /// Set once, by the committer, when the speculator's results are mostly
    /// stale: it claims no more.
    let speculationOff = Atomic<Bool>(false)
    /// The lowest transaction the speculator has finished (set by it).
    let lowestSpeculated = Atomic<Int>(Int.max)
    /// Signalled by the speculator after each result it hands over (the
    /// committer may be asleep waiting for it).
    let handedOver = IdleGate()
  }

  /// Executes `transactions` on `state` with a committer and a speculator
  /// thread; builds every receipt into `receipts`. `state` is left as it was
  /// when the block is rejected.
  static func execute(
    _ transactions: [BlockTransaction], environment env: BlockEnvironment,
    state: inout InMemoryState, receipts: ReceiptSlots?, chained: [Bool],
    statistics: inout ParallelStatistics
  ) throws(BlockError) -> [TransactionOutcome] {
    precondition(chained.count == transactions.count)
    let count = transactions.count
    let preState = state
    let slots = SpinLockedArray<Slot>(count: count) { _ in .unclaimed }
    let counters = Counters()
    let published = PublishedCommits(first: 0, count: count)
    // Packed results carry no outcome: only when every receipt is built
    // from the published entries.
    let arena = receipts == nil ? nil : SpeculationArena(transactions: count)
    let box = ParallelExecutor.CommitterBox(
      ParallelExecutor.Committer(state: state, count: count))

    WorkerPool.shared.run(2) { worker in
      var cache = BloomCache()
      var part = ReceiptSlots.WorkerPart()
      func buildReceipt(_ entry: ParallelExecutor.Committed, _ cache: inout BloomCache) {
        receipts?.build(entry, fork: env.fork, cache: &cache, part: &part)
      }
      defer { receipts?.merge(part) }
      if worker == 0 {
        var committer = box.committer
        box.committer = ParallelExecutor.Committer(state: InMemoryState(), count: 0)
        // Every receipt is built from the published entries.
        committer.keepsOutcomes = receipts == nil
        commit(
          transactions, env: env, committer: &committer, slots: slots, counters: counters,
          published: published, arena: arena
        ) { entry in buildReceipt(entry, &cache) }
        box.committer = committer
        published.finish()
      } else {
        speculate(
          transactions, env: env, preState: preState, slots: slots, chained: chained,
          counters: counters, arena: arena)
      }
      // Both threads finish the receipts.
      var assistCache = BloomCache()
      published.consume({ entry in buildReceipt(entry, &cache) }) {
        receipts?.sharedBloom.assist(cache: &assistCache)
      }
    }

    if STMTrace.phases {
      EVMTrace.write(
        "pipeline: speculated \(counters.speculated.load(ordering: .relaxed)) packed \(counters.packed.load(ordering: .relaxed)) (\(arena?.usedBytes ?? 0) bytes) accepted \(counters.accepted.load(ordering: .relaxed)) rejected \(counters.rejected.load(ordering: .relaxed)) committer executions \(counters.committerExecutions.load(ordering: .relaxed))\n"
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
    statistics.totals = committer.totals
    return committer.outcomes
  }

  /// The committer: every transaction in order, executed on the exact state
  /// or, past the meeting point, from a speculation whose answers still hold.
  static func commit(
    _ transactions: [BlockTransaction], env: BlockEnvironment,
    committer c: inout ParallelExecutor.Committer, slots: SpinLockedArray<Slot>,
    counters: Counters, published: PublishedCommits, arena: SpeculationArena?,
    buildReceipt: (ParallelExecutor.Committed) -> Void
  ) {
    let receipts = arena != nil
    let workspace = TransactionWorkspace(placeholder: InMemoryState(), block: env)
    var times = PhaseTimes()
    var acceptedCount = 0
    var rejected = 0
    var executions = 0
    defer {
      times.report("committer")
      counters.accepted.store(acceptedCount, ordering: .relaxed)
      counters.rejected.store(rejected, ordering: .relaxed)
      counters.committerExecutions.store(executions, ordering: .relaxed)
    }
    /// Before the meeting point the committer claims each slot; after it,
    /// every slot is the speculator's.
    var met = false
    var nextStalenessCheck = firstStalenessCheck
    for index in transactions.indices {
      let item = transactions[index]
      var speculation: Speculation? = nil
      var packed: PackedSpeculation? = nil
      if !met {
        met = !slots.withLock(index) { slot in
          guard case .unclaimed = slot else { return false }
          slot = .committer
          return true
        }
      }
      if met {
        // The speculator's: wait for its result (it is running it),
        // building receipts meanwhile; or one it left (chained or hot).
        var backoff = Backoff()
        while true {
          let taken = take(index, slots: slots)
          if case .speculation(let result) = taken {
            speculation = result
            times.mark("wait")
            break
          }
          if case .packed(let result) = taken {
            packed = result
            times.mark("wait")
            break
          }
          if case .claimed = taken { break }
          if receipts && published.drain(limit: 1, buildReceipt) > 0 {
            times.mark("receipts")
            continue
          }
          // Asleep until the speculator hands a result over.
          backoff.pause(at: counters.handedOver) {
            slots.withLock(index) { slot -> Bool in
              if case .speculating = slot { return false }
              return true
            }
          }
        }
      }
      ParallelExecutor.debugDelay?()
      times.mark(met ? "wait" : "claim")
      var entry: ParallelExecutor.Committed?
      do throws(BlockError) {
        if let packed, let arena, packed.stillHolds(on: c.state) {
          times.mark("validate")
          acceptedCount += 1
          try c.commit(packed: packed, of: item, index: index, env: env)
          times.mark("apply")
          entry = ParallelExecutor.Committed(
            index: index, type: item.transaction.type, succeeded: packed.succeeded,
            cumulativeGasUsed: c.gasUsed, logs: arena.logs[index])
        } else if let accepted = speculation, let outcome = accepted.outcome,
          stillHolds(accepted.reads, on: c.state)
        {
          times.mark("validate")
          acceptedCount += 1
          try c.commit(outcomeAt: outcome, of: item, index: index, env: env)
          times.mark("apply")
          if receipts {
            // Fields read through the pointer, not through an initializer
            // taking the outcome: that copied it whole again.
            entry = ParallelExecutor.Committed(
              index: index, type: item.transaction.type,
              succeeded: outcome.pointee.status.isSuccess, cumulativeGasUsed: c.gasUsed,
              logs: outcome.pointee.logs)
            // The entry takes the speculation over: whoever builds the
            // receipt frees it.
            entry?.speculation = speculation.take()
          }
        } else {
          if speculation != nil || packed != nil { rejected += 1 }
          if STMTrace.enabled, let packed {
            EVMTrace.write(
              "pipeline: tx \(index) rejected: \(packed.firstStaleAnswer(on: c.state) ?? "invalid")\n"
            )
          }
          executions += 1
          let result = try c.executeNext(item, env: env, workspace: workspace)
          times.mark("execute")
          if receipts {
            entry = ParallelExecutor.Committed(index, item, result, cumulativeGasUsed: c.gasUsed)
          }
        }
      } catch {
        c.error = error
        return
      }
      if let committed = entry.take() { published.publish(committed) }
      times.mark("publish")
      if !met && index + 1 == nextStalenessCheck {
        nextStalenessCheck *= 2
        let from = counters.lowestSpeculated.load(ordering: .relaxed)
        if from < transactions.count && mostlyStale(slots: slots, from: from, state: c.state) {
          counters.speculationOff.store(true, ordering: .relaxed)
        }
        times.mark("staleness")
      }
    }
  }

  /// Takes slot `index`'s result, moving it out (the slot is the
  /// committer's from then on); or claims it for the committer when the
  /// speculator left it unclaimed. Otherwise leaves it.
  @inline(__always)
  static func take(_ index: Int, slots: SpinLockedArray<Slot>) -> Taken {
    slots.withLock(index) { slot in
      // Moved out, not copied.
      var old = Slot.committer
      swap(&slot, &old)
      switch old {
      case .speculated(let result): return .speculation(result)
      case .packed(let result): return .packed(result)
      case .unclaimed: return .claimed
      case .speculating, .committer:
        slot = old
        return .notYet
      }
    }
  }

  /// Whether most of a few of the speculator's finished results (the
  /// lowest ones from `from` up, nearest the committer) already read values
  /// that the committed transactions changed.
  static func mostlyStale(
    slots: SpinLockedArray<Slot>, from: Int, state: InMemoryState
  ) -> Bool {
    var sampled = 0
    var stale = 0
    var position = from
    while position < slots.count && sampled < stalenessSample {
      let result: Taken = slots.withLock(position) { slot in
        switch slot {
        case .speculated(let result): .speculation(result)
        case .packed(let result): .packed(result)
        default: .notYet
        }
      }
      position += 1
      switch result {
      case .speculation(let speculation):
        sampled += 1
        if !stillHolds(speculation.reads, on: state) { stale += 1 }
      case .packed(let packed):
        sampled += 1
        if !packed.stillHolds(on: state) { stale += 1 }
      case .claimed, .notYet: continue
      }
    }
    return sampled == stalenessSample && stale * 2 > sampled
  }

  /// The speculator: claims transactions from the last one down and runs
  /// them on the pre-state, until it reaches one the committer has. It
  /// skips the `chained` ones and those calling a hot contract (leaves them
  /// to the committer).
  static func speculate(
    _ transactions: [BlockTransaction], env: BlockEnvironment, preState: InMemoryState,
    slots: SpinLockedArray<Slot>, chained: [Bool], counters: Counters, arena: SpeculationArena?
  ) {
    let workspace = TransactionWorkspace(
      placeholder: SpeculativeView(preState: InMemoryState()), block: env)
    var view = SpeculativeView(preState: preState)
    var times = PhaseTimes()
    var speculated = 0
    var packedCount = 0
    defer {
      times.report("speculator")
      counters.speculated.store(speculated, ordering: .relaxed)
      counters.packed.store(packedCount, ordering: .relaxed)
    }
    var contention = Contention()
    var index = transactions.count - 1
    while index >= 0 && !counters.speculationOff.load(ordering: .relaxed) {
      let target = transactions[index].transaction.to
      if chained[index] || contention.isHot(target) {
        index -= 1
        continue
      }
      let claimed = slots.withLock(index) { slot in
        guard case .unclaimed = slot else { return false }
        slot = .speculating
        return true
      }
      guard claimed else { return }
      ParallelExecutor.debugDelay?()
      view.reads.removeAll(keepingCapacity: true)
      let (_, outcome) = ParallelExecutor.executeOptimistically(
        transactions[index], view: &view, env: env, workspace: workspace)
      speculated += 1
      contention.record(target: target, outcome: outcome)
      times.mark("execute")
      let result: Slot
      if let arena, case .success(let value) = outcome,
        let packed = arena.pack(index, reads: view.reads, outcome: value)
      {
        result = .packed(packed)
        packedCount += 1
      } else {
        result = .speculated(Speculation(reads: view.reads, outcome: outcome))
      }
      ParallelExecutor.debugDelay?()
      slots.withLock(index) { $0 = result }
      counters.handedOver.signal()
      counters.lowestSpeculated.store(index, ordering: .relaxed)
      times.mark("hand over")
      index -= 1
    }
  }

  /// What the speculator learns of contended contracts as it goes down the
  /// block: the storage slots its results wrote, and for each called
  /// address how many of the transactions calling it (and writing storage)
  /// wrote a slot that a later one wrote too (a contended slot is read, modified and written:
  /// the later result is then most likely stale). When that is at least
  /// two and a third of those speculated, the address is hot: the earlier
  /// transactions calling it most likely read slots written before them
  /// too, and the speculator leaves them to the committer (which runs them
  /// in order), taking more of the rest instead. Marking an address hot
  /// wrongly costs little (its transactions still run, on the committer,
  /// while the speculator takes others); a router that reaches many pools,
  /// a few of them shared, stays below the third. Only writes are tracked:
  /// far fewer than reads.
  struct Contention {
    var slotsWritten = FlatDictionary<SlotKey, Bool>()
    /// Per called address: its storage-writing transactions speculated, and
    /// how many of them conflicted.
    var targets = FlatDictionary<Address, (speculated: Int, conflicting: Int)>()

    func isHot(_ target: Address?) -> Bool {
      guard let target, let counts = targets[target] else { return false }
      return counts.conflicting >= 2 && counts.conflicting * 3 >= counts.speculated
    }

    mutating func record(
      target: Address?, outcome: Result<TransactionOutcome, InvalidTransaction>
    ) {
      guard case .success(let value) = outcome else { return }
      var conflicting = false
      var wroteStorage = false
      for (address, change) in value.changes.accounts {
        for (key, _) in change.storage {
          wroteStorage = true
          let slot = SlotKey(address, key)
          if slotsWritten[slot] != nil {
            conflicting = true
          } else {
            slotsWritten[slot] = true
          }
        }
      }
      // Transactions that wrote no storage (plain transfers) cannot be
      // seen contending and are not counted.
      guard wroteStorage, let target else { return }
      targets.modify(target, insertingIfAbsent: { (0, 0) }) {
        $0.speculated += 1
        if conflicting { $0.conflicting += 1 }
      }
    }
  }

  /// Whether every recorded answer is still what `state` gives. `state` is
  /// the committer's: a copy of the pre-state the answers came from, only
  /// written since (never flattened), so an account it has not written
  /// still gives every answer the pre-state gave.
  static func stillHolds(_ reads: [SpeculativeRead], on state: borrowing InMemoryState) -> Bool {
    for read in reads {
      if state.accounts.isUnwritten(read.address) { continue }
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

/// Debug timing of one pipeline thread (`PEVM_STM_PHASES=1`): the time
/// since the last mark goes to the named bucket.
struct PhaseTimes {
  let enabled = STMTrace.phases
  var last: UInt64 = 0
  var names: [StaticString] = []
  var totals: [UInt64] = []

  init() { if enabled { last = DispatchTime.now().uptimeNanoseconds } }

  @inline(__always)
  mutating func mark(_ bucket: StaticString) {
    guard enabled else { return }
    let now = DispatchTime.now().uptimeNanoseconds
    let pointer = bucket.utf8Start
    if let i = names.firstIndex(where: { $0.utf8Start == pointer }) {
      totals[i] += now - last
    } else {
      names.append(bucket)
      totals.append(now - last)
    }
    last = now
  }

  func report(_ name: String) {
    guard enabled else { return }
    let parts = names.indices.map { "\(names[$0]) \(totals[$0] / 1000)" }
    EVMTrace.write("\(name): " + parts.joined(separator: " ") + " us\n")
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

  /// The account the answer is about.
  @inline(__always)
  var address: Address {
    switch self {
    case .account(let address, _), .codeHash(let address, _), .storage(let address, _, _),
      .dead(let address, _), .hasStorage(let address, _):
      return address
    }
  }
}

/// The view of a speculative execution: the block's pre-state, with every
/// answer recorded for the committer to check.
struct SpeculativeView: StateView {
  let preState: InMemoryState
  var reads: [SpeculativeRead] = []
  /// Code asked for more than once in the block, copied (`Bytecode(copying:)`)
  /// on its second request; `nil` after the first. The committer runs the
  /// pre-state's code objects: executing the same contract, both threads
  /// would otherwise update one reference count on every call.
  var ownCode = FlatDictionary<Bytes32, Bytecode?>()

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
    if let seen = ownCode[hash] {
      if let own = seen { return own }
      let copy = Bytecode(copying: preState.code(address, hash: hash))
      ownCode[hash] = .some(copy)
      return copy
    }
    ownCode[hash] = .some(nil)  // asked once: the pre-state's object
    return preState.code(address, hash: hash)
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
