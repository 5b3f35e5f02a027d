import Dispatch
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Threads kept alive between parallel runs, so that a run of a few
/// milliseconds (a block) starts on every thread at once.
///
/// Why not `DispatchQueue.concurrentPerform` alone: on Linux it starts its
/// other iterations on libdispatch's pool threads, which come late or not at
/// all when the pool judges the machine busy. Measured on 2 cores: three
/// state-test directories on 2 workers took 4.9 s wall for 1.4 s of CPU
/// with `concurrentPerform` and 1.9 s with this pool; the 51 mainnet
/// blocks under Block-STM (one run each) 300–380 ms against 280 ms. A
/// helper parked on a condition variable runs again within tens of
/// microseconds. A `run` that finds the pool busy (nested or concurrent
/// callers, e.g. state-test files side by side that each run Block-STM)
/// goes to an overflow pool of its own, up to `maximumDepth` pools deep,
/// then to `concurrentPerform`.
///
/// Invariants: `generation`, `job`, `pending` and `threadCount` are read and
/// written only under `mutex`. Helper `h` (0-based, `h < threadCount`) runs
/// iteration `h + 1` of a job with `count > h + 1` exactly once per
/// generation; the caller runs iteration 0. `pending` counts the helpers
/// still running the current job; `run` returns only when it is zero, so
/// the body (not actually escaping) never outlives the call. `busy` admits
/// one job at a time (acquire on entry, release on exit).
public final class WorkerPool: @unchecked Sendable {
  /// The pool every parallel loop of the process shares.
  public static let shared = WorkerPool()

  /// Stack size of the helper threads (the EVM runs deep call stacks
  /// iteratively, but precompiles and tries recurse).
  static let stackSize = 16 << 20

  private struct Job {
    let body: @Sendable (Int) -> Void
    let count: Int
  }

  private let mutex: UnsafeMutablePointer<pthread_mutex_t>
  /// Signalled when a job is posted.
  private let posted: UnsafeMutablePointer<pthread_cond_t>
  /// Signalled when the last helper of a job finishes.
  private let finished: UnsafeMutablePointer<pthread_cond_t>
  private let busy = Atomic<Bool>(false)
  private var generation = 0
  private var job: Job? = nil
  private var pending = 0
  private var threadCount = 0
  /// Where runs go while this pool is busy (created on first need).
  private let overflow = Locked<WorkerPool?>(nil)
  /// How many pools stand before this one in the overflow chain.
  private let depth: Int
  static let maximumDepth = 8

  /// A pool of its own (threads start on first use and live as long as the
  /// process): for an outer loop whose iterations use `shared`.
  public convenience init() { self.init(depth: 0) }

  private init(depth: Int) {
    self.depth = depth
    mutex = .allocate(capacity: 1)
    pthread_mutex_init(mutex, nil)
    posted = .allocate(capacity: 1)
    pthread_cond_init(posted, nil)
    finished = .allocate(capacity: 1)
    pthread_cond_init(finished, nil)
  }

  deinit {
    // Only reached by pools that never started a helper: a helper holds its
    // pool for ever (`serve` never returns), so a pool with threads lives
    // as long as the process.
    precondition(threadCount == 0, "a WorkerPool with threads is never freed")
    pthread_cond_destroy(finished)
    pthread_cond_destroy(posted)
    pthread_mutex_destroy(mutex)
    finished.deallocate()
    posted.deallocate()
    mutex.deallocate()
  }

  /// Calls `body(i)` for every `i` in `0..<count`, concurrently: iteration 0
  /// on the calling thread, the others on the pool's threads. Returns when
  /// every call has returned.
  public func run(_ count: Int, _ body: @Sendable (Int) -> Void) {
    if count <= 1 {
      if count == 1 { body(0) }
      return
    }
    guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
    else {
      guard depth < Self.maximumDepth else {
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
        return
      }
      let next = overflow.withLock { pool in
        if pool == nil { pool = WorkerPool(depth: depth + 1) }
        return pool!
      }
      next.run(count, body)
      return
    }
    defer { busy.store(false, ordering: .releasing) }
    withoutActuallyEscaping(body) { body in
      pthread_mutex_lock(mutex)
      while threadCount < count - 1 {
        startHelper(threadCount, seen: generation)
        threadCount += 1
      }
      job = Job(body: body, count: count)
      pending = count - 1
      generation += 1
      pthread_cond_broadcast(posted)
      pthread_mutex_unlock(mutex)

      body(0)

      pthread_mutex_lock(mutex)
      while pending > 0 { pthread_cond_wait(finished, mutex) }
      job = nil
      pthread_mutex_unlock(mutex)
    }
  }

  /// Starts helper `helper`, which has seen generation `seen` (called under
  /// `mutex`).
  private func startHelper(_ helper: Int, seen: Int) {
    final class Start {
      let pool: WorkerPool
      let helper: Int
      let seen: Int
      init(pool: WorkerPool, helper: Int, seen: Int) {
        self.pool = pool
        self.helper = helper
        self.seen = seen
      }
    }
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setstacksize(&attributes, Self.stackSize)
    pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
    let context = Unmanaged.passRetained(Start(pool: self, helper: helper, seen: seen)).toOpaque()
    var thread = pthread_t()
    let status = pthread_create(
      &thread, &attributes,
      { raw in
        let start = Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue()
        start.pool.serve(helper: start.helper, seen: start.seen)
      }, context)
    precondition(status == 0, "cannot start a worker thread (pthread_create: \(status))")
  }

  /// A helper's life: wait for a job of a new generation, run its
  /// iteration if the job is wide enough, report, repeat.
  private func serve(helper: Int, seen initial: Int) -> Never {
    var seen = initial
    pthread_mutex_lock(mutex)
    while true {
      while generation == seen { pthread_cond_wait(posted, mutex) }
      seen = generation
      guard let job, helper < job.count - 1 else { continue }
      pthread_mutex_unlock(mutex)
      job.body(helper + 1)
      pthread_mutex_lock(mutex)
      pending -= 1
      if pending == 0 { pthread_cond_signal(finished) }
    }
  }
}
