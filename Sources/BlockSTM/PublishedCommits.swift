import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Transactions committed by a sequential executing thread, handed to a
/// second thread that builds their receipts (see
/// `ParallelExecutor.Committer.executeRestPipelined`).
///
/// Invariants: one producer publishes entries in index order from `first`
/// on; entry `i` is written once, before `published` is raised past it
/// (releasing), and is read by the one consumer only after it has seen
/// that (acquiring). `finished` is set (releasing) after the last publish.
/// Entries from `first` up to `published` are initialized; they are freed
/// with this object.
final class PublishedCommits: @unchecked Sendable {
  private let first: Int
  private let entries: UnsafeMutablePointer<ParallelExecutor.Committed>
  /// One past the highest published index.
  private let published: Atomic<Int>
  private let finished = Atomic<Bool>(false)

  init(first: Int, count: Int) {
    self.first = first
    entries = .allocate(capacity: max(count, 1))
    published = Atomic(first)
  }

  deinit {
    let end = published.load(ordering: .acquiring)
    (entries + first).deinitialize(count: end - first)
    entries.deallocate()
  }

  /// Producer: publishes the next entry (`entry.index` must be the next).
  func publish(_ entry: ParallelExecutor.Committed) {
    let index = published.load(ordering: .relaxed)
    precondition(entry.index == index, "commits are published in order")
    (entries + index).initialize(to: entry)
    published.store(index + 1, ordering: .releasing)
  }

  /// Producer: no more entries will come.
  func finish() {
    finished.store(true, ordering: .releasing)
  }

  /// Consumer: calls `body` on every entry in order until the producer
  /// finishes. Spins briefly between entries, then yields the core.
  func consume(_ body: (ParallelExecutor.Committed) -> Void) {
    var next = first
    var idle = 0
    while true {
      let end = published.load(ordering: .acquiring)
      if next < end {
        while next < end {
          body(entries[next])
          next += 1
        }
        idle = 0
        continue
      }
      if finished.load(ordering: .acquiring) {
        if published.load(ordering: .acquiring) == next { return }
        continue
      }
      idle += 1
      if idle > 64 { sched_yield() }
    }
  }
}
