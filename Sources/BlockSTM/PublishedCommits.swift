import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Transactions committed in order by one thread, handed to the threads
/// that build their receipts (`ParallelExecutor.Committer.
/// executeRestPipelined`, `SpeculativePipeline`).
///
/// Invariants: one producer publishes entries in index order from `first`
/// on; entry `i` is written once, before `published` is raised past it
/// (releasing), and is read only after a consumer has seen that
/// (acquiring) and has taken `i` by moving `consumed` past it (each entry
/// goes to one consumer, which moves it out and frees it). `finished` is
/// set (releasing) after the last publish; `done` is raised (releasing)
/// after each entry's consumer has finished with it. Entries from
/// `consumed` up to `published` are initialized; they are freed with this
/// object.
final class PublishedCommits: @unchecked Sendable {
  private let first: Int
  private let entries: UnsafeMutablePointer<ParallelExecutor.Committed>
  /// One past the highest published index.
  private let published: Atomic<Int>
  /// One past the highest index taken by a consumer.
  private let consumed: Atomic<Int>
  /// How many taken entries their consumers have finished (from `first`).
  private let done = Atomic<Int>(0)
  private let finished = Atomic<Bool>(false)
  /// Where idle consumers sleep (`Backoff`); signalled by every publish,
  /// the finish and every finished batch (an idle helper also looks for an
  /// offered bloom, `SharedBloom`, only between sleeps).
  private let gate = IdleGate()

  init(first: Int, count: Int) {
    self.first = first
    entries = .allocate(capacity: max(count, 1))
    published = Atomic(first)
    consumed = Atomic(first)
  }

  deinit {
    // Taken entries were moved out; only those never taken remain.
    let start = consumed.load(ordering: .acquiring)
    let end = published.load(ordering: .acquiring)
    (entries + start).deinitialize(count: end - start)
    entries.deallocate()
  }

  /// Producer: publishes the next entry (`entry.index` must be the next).
  func publish(_ entry: consuming ParallelExecutor.Committed) {
    let index = published.load(ordering: .relaxed)
    precondition(entry.index == index, "commits are published in order")
    (entries + index).initialize(to: entry)
    published.store(index + 1, ordering: .releasing)
    gate.signal()
  }

  /// Producer: no more entries will come.
  func finish() {
    finished.store(true, ordering: .releasing)
    gate.signal()
  }

  /// The most entries one claim takes.
  static let maximumRun = 16

  /// Any thread: takes published entries not yet taken, up to `limit`,
  /// and calls `body` on each; returns how many it took.
  @discardableResult
  func drain(limit: Int = .max, _ body: (ParallelExecutor.Committed) -> Void) -> Int {
    var taken = 0
    while taken < limit {
      let next = consumed.load(ordering: .relaxed)
      let end = published.load(ordering: .acquiring)
      guard next < end else { break }
      // A run of entries per claim, half of what is waiting (so that two
      // consumers share a backlog) up to `maximumRun`: one contended
      // counter update per run, and neighbouring receipt slots written by
      // one thread, not alternately by two (their lines would bounce).
      let run = Swift.min(limit - taken, Swift.max(1, Swift.min(Self.maximumRun, (end - next) / 2)))
      if consumed.compareExchange(expected: next, desired: next + run, ordering: .relaxed).exchanged
      {
        for index in next..<(next + run) {
          // Moved out: the entry (logs, speculation) is freed by this thread.
          let entry = (entries + index).move()
          body(entry)
        }
        taken += run
      }
    }
    // Once per call, not per entry: the counter's line is shared.
    if taken > 0 {
      done.add(taken, ordering: .releasing)
      gate.signal()
    }
    return taken
  }

  /// Whether the producer has finished and every entry is taken and done
  /// (`finished` is read first: the count it publishes is then final).
  private var allDone: Bool {
    guard finished.load(ordering: .acquiring) else { return false }
    let last = published.load(ordering: .acquiring)
    return consumed.load(ordering: .relaxed) >= last
      && first + done.load(ordering: .acquiring) >= last
  }

  /// Whether a consumer has something to take, or may return.
  private var consumerMayGo: Bool {
    consumed.load(ordering: .relaxed) < published.load(ordering: .acquiring) || allDone
  }

  /// Any thread: takes entries until the producer has finished and every
  /// entry is done (another consumer may still be on the last ones, and
  /// `idle` may help it). While waiting it spins briefly, calling `idle`,
  /// then yields the core, then sleeps at the gate between looks (a
  /// spinning thread would take the time of a virtual core that shares a
  /// physical one with the producer).
  func consume(_ body: (ParallelExecutor.Committed) -> Void, idle: () -> Void = {}) {
    var backoff = Backoff()
    while true {
      let end = published.load(ordering: .acquiring)
      if consumed.load(ordering: .relaxed) < end {
        drain(body)
        backoff.reset()
        continue
      }
      if allDone { return }
      idle()
      backoff.pause(at: gate) { consumerMayGo }
    }
  }
}
