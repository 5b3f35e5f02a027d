import EVMPrimitives
import Synchronization

/// The collaborative scheduler of Block-STM (Gelashvili et al., arXiv
/// 2203.06871, Algorithms 4–5): workers repeatedly take the lowest pending
/// validation or execution task.
///
/// Invariants (who writes, who reads, which ordering):
/// - `executionIndex`, `validationIndex`: any worker; fetch-add to claim a
///   task, fetch-min (`decrease…`) to schedule re-execution/re-validation.
///   Sequentially consistent, with `decreaseCount` bumped after every
///   decrease so that `checkDone` cannot miss one that raced with it.
/// - `activeTasks`: incremented before a task is claimed, decremented when it
///   ends or is handed back; the block is done only when both indices are past
///   the end, no task is active, and no decrease happened in between.
/// - Per transaction, `TransactionCell.status` holds (incarnation, state)
///   under its lock; transitions: ready → executing (`tryIncarnate`),
///   executing → executed (`finishExecution`), executed → aborting
///   (`tryValidationAbort`), aborting → ready with incarnation + 1
///   (`setReady`), executing → aborting (`addDependency`, while waiting on a
///   lower transaction's ESTIMATE), executed → committed (`tryCommit`, by the
///   executor's committer, in block order; final: a committed incarnation is
///   never aborted).
/// - `TransactionCell.dependents` is guarded by its own lock; `addDependency`
///   checks the blocker's status under that lock, and `finishExecution` sets
///   executed before it takes the lock, so no dependent is ever lost.
public final class Scheduler: Sendable {
  public enum Status: Sendable { case readyToExecute, executing, executed, aborting, committed }

  /// A task handed to a worker.
  public enum Task: Sendable, Equatable {
    case execute(transaction: Int, incarnation: Int)
    case validate(transaction: Int, incarnation: Int)
  }

  /// One transaction's scheduling state (guarded by its lock in `cells`).
  struct Cell {
    var incarnation = 0
    var status = Status.readyToExecute
  }

  public let count: Int
  private let cells: SpinLockedArray<Cell>
  /// Transactions parked on each transaction's ESTIMATEs.
  private let dependents: SpinLockedArray<[Int]>
  // Each index on its own cache line (the padding between them): both are
  // hammered by every worker, and sharing a line would make every claim of
  // one invalidate the other in the other cores' caches.
  private let padding0 = CacheLinePadding()
  private let executionIndex = Atomic<Int>(0)
  private let padding1 = CacheLinePadding()
  private let validationIndex = Atomic<Int>(0)
  private let padding2 = CacheLinePadding()
  private let activeTasks = Atomic<Int>(0)
  private let padding3 = CacheLinePadding()
  private let decreaseCount = Atomic<Int>(0)
  private let doneMarker = Atomic<Bool>(false)
  private let padding4 = CacheLinePadding()

  public init(transactionCount: Int) {
    count = transactionCount
    cells = SpinLockedArray(count: transactionCount) { _ in Cell() }
    dependents = SpinLockedArray(count: transactionCount) { _ in [] }
  }

  public var isDone: Bool { doneMarker.load(ordering: .sequentiallyConsistent) }

  /// Debug: the indices and a transaction's state, as text.
  public func describe(_ transaction: Int) -> String {
    let cell = cells.withLock(transaction) { $0 }
    return
      "exec idx \(executionIndex.load(ordering: .relaxed)) valid idx \(validationIndex.load(ordering: .relaxed)) active \(activeTasks.load(ordering: .relaxed)) tx \(transaction) \(cell.status) incarnation \(cell.incarnation)"
  }

  // MARK: Index bookkeeping

  private func decreaseExecutionIndex(_ target: Int) {
    executionIndex.min(target, ordering: .sequentiallyConsistent)
    decreaseCount.add(1, ordering: .sequentiallyConsistent)
  }

  private func decreaseValidationIndex(_ target: Int) {
    validationIndex.min(target, ordering: .sequentiallyConsistent)
    decreaseCount.add(1, ordering: .sequentiallyConsistent)
  }

  private func checkDone() {
    let observed = decreaseCount.load(ordering: .sequentiallyConsistent)
    if min(
      executionIndex.load(ordering: .sequentiallyConsistent),
      validationIndex.load(ordering: .sequentiallyConsistent)) >= count
      && activeTasks.load(ordering: .sequentiallyConsistent) == 0
      && observed == decreaseCount.load(ordering: .sequentiallyConsistent)
    {
      doneMarker.store(true, ordering: .sequentiallyConsistent)
    }
  }

  private func tryIncarnate(_ transaction: Int) -> Task? {
    if transaction < count {
      let incarnation: Int? = cells.withLock(transaction) { state in
        guard state.status == .readyToExecute else { return nil }
        state.status = .executing
        return state.incarnation
      }
      if let incarnation { return .execute(transaction: transaction, incarnation: incarnation) }
    }
    activeTasks.subtract(1, ordering: .sequentiallyConsistent)
    return nil
  }

  private func nextVersionToExecute() -> Task? {
    if executionIndex.load(ordering: .sequentiallyConsistent) >= count {
      checkDone()
      return nil
    }
    activeTasks.add(1, ordering: .sequentiallyConsistent)
    let index = executionIndex.add(1, ordering: .sequentiallyConsistent).oldValue
    return tryIncarnate(index)
  }

  private func nextVersionToValidate() -> Task? {
    if validationIndex.load(ordering: .sequentiallyConsistent) >= count {
      checkDone()
      return nil
    }
    activeTasks.add(1, ordering: .sequentiallyConsistent)
    let index = validationIndex.add(1, ordering: .sequentiallyConsistent).oldValue
    if index < count {
      let state = cells.withLock(index) { $0 }
      if state.status == .executed {
        return .validate(transaction: index, incarnation: state.incarnation)
      }
    }
    activeTasks.subtract(1, ordering: .sequentiallyConsistent)
    return nil
  }

  /// The next task, or `nil` when there is none right now (retry until
  /// `isDone`). Claims index after index until one yields a task: after an
  /// index was lowered (a re-execution, a resumed dependency) the indices
  /// may have to pass many transactions that are already executed or
  /// committed, and that is no reason to report the worker idle.
  public func nextTask() -> Task? {
    while true {
      let validation = validationIndex.load(ordering: .sequentiallyConsistent)
      let execution = executionIndex.load(ordering: .sequentiallyConsistent)
      if validation >= count && execution >= count {
        checkDone()
        return nil
      }
      if validation < execution {
        if let task = nextVersionToValidate() { return task }
      } else if let task = nextVersionToExecute() {
        return task
      }
    }
  }

  // MARK: Transitions

  /// Transaction `transaction` read an ESTIMATE written by `blocking`: park it
  /// until `blocking` finishes executing. False when `blocking` already has
  /// (the caller re-executes at once).
  public func addDependency(_ transaction: Int, blocking: Int) -> Bool {
    let added: Bool = dependents.withLock(blocking) { dependents in
      let status = cells.withLock(blocking) { $0.status }
      if status == .executed || status == .committed { return false }
      cells.withLock(transaction) { $0.status = .aborting }
      dependents.append(transaction)
      return true
    }
    if added { activeTasks.subtract(1, ordering: .sequentiallyConsistent) }
    return added
  }

  private func setReady(_ transaction: Int) {
    cells.withLock(transaction) { state in
      state = Cell(incarnation: state.incarnation + 1, status: .readyToExecute)
    }
  }

  /// Execution of (`transaction`, `incarnation`) finished and its writes are
  /// recorded. Returns a follow-up validation task when one is due now.
  public func finishExecution(_ transaction: Int, incarnation: Int, wroteNewLocation: Bool) -> Task?
  {
    cells.withLock(transaction) { $0.status = .executed }
    let dependents = self.dependents.withLock(transaction) { list -> [Int] in
      let taken = list
      list = []
      return taken
    }
    for dependent in dependents { setReady(dependent) }
    if let lowest = dependents.min() { decreaseExecutionIndex(lowest) }
    if validationIndex.load(ordering: .sequentiallyConsistent) > transaction {
      if wroteNewLocation {
        decreaseValidationIndex(transaction)
      } else {
        return .validate(transaction: transaction, incarnation: incarnation)
      }
    }
    activeTasks.subtract(1, ordering: .sequentiallyConsistent)
    return nil
  }

  /// A validation of (`transaction`, `incarnation`) failed: abort it unless
  /// another validation already did. True when this call aborted it.
  public func tryValidationAbort(_ transaction: Int, incarnation: Int) -> Bool {
    cells.withLock(transaction) { state in
      guard state.incarnation == incarnation, state.status == .executed else { return false }
      state.status = .aborting
      return true
    }
  }

  /// The incarnation of `transaction` when it is executed (not committed,
  /// not being re-executed), else `nil`.
  public func executedIncarnation(_ transaction: Int) -> Int? {
    cells.withLock(transaction) { $0.status == .executed ? $0.incarnation : nil }
  }

  /// Makes (`transaction`, `incarnation`) final, if it is still the
  /// executed incarnation. The caller has checked that its reads are those
  /// of the committed prefix below it.
  public func tryCommit(_ transaction: Int, incarnation: Int) -> Bool {
    cells.withLock(transaction) { state in
      guard state.incarnation == incarnation, state.status == .executed else { return false }
      state.status = .committed
      return true
    }
  }

  /// After `tryValidationAbort` succeeded outside a validation task (at
  /// commit): schedules the re-execution like a failed validation; returns
  /// it when it can start now.
  public func finishAbortAtCommit(_ transaction: Int) -> Task? {
    activeTasks.add(1, ordering: .sequentiallyConsistent)
    return finishValidation(transaction, aborted: true)
  }

  /// A validation finished; after an abort, returns the re-execution task
  /// when it can start now.
  public func finishValidation(_ transaction: Int, aborted: Bool) -> Task? {
    if aborted {
      setReady(transaction)
      decreaseValidationIndex(transaction + 1)
      if executionIndex.load(ordering: .sequentiallyConsistent) > transaction {
        if let task = tryIncarnate(transaction) { return task }
        return nil  // tryIncarnate released the active task
      }
    }
    activeTasks.subtract(1, ordering: .sequentiallyConsistent)
    return nil
  }
}

/// 128 bytes of nothing: keeps the atomics around it on cache lines of their
/// own (two 64-byte lines, as adjacent-line prefetching pairs them).
struct CacheLinePadding {
  let words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (
    0, 0, 0, 0, 0, 0, 0, 0
  )
  let more: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (
    0, 0, 0, 0, 0, 0, 0, 0
  )
}
