import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Where Block-STM workers with nothing to do wait for the others to make
/// progress, instead of spinning on a core another thread needs (on a busy
/// or oversubscribed machine the thread everyone waits for may be the one
/// that is not running).
///
/// Protocol (no lost wake-up): a waiter registers (`sleepers` + 1), reads
/// the epoch, looks for work once more, and waits only while the epoch is
/// unchanged. A worker that has made work available (finished an execution
/// or a validation, committed, or ended the block) calls `signal`, which
/// issues a sequentially consistent fence and, if anyone is registered,
/// bumps the epoch and wakes every waiter under the mutex. Either the
/// signaller sees the registration, or the waiter's last look sees the
/// work. Waits also time out (`timeout`), so progress never depends on
/// this protocol alone.
///
/// Invariants: `epoch` is read and written under `mutex`; `sleepers` counts
/// the workers between `prepare` and `finish`.
final class IdleGate: @unchecked Sendable {
  private let sleepers = Atomic<Int>(0)
  private let mutex: UnsafeMutablePointer<pthread_mutex_t>
  private let condition: UnsafeMutablePointer<pthread_cond_t>
  private var epoch = 0
  /// The longest a worker waits without a signal.
  static let timeoutNanoseconds = 1_000_000

  init() {
    mutex = .allocate(capacity: 1)
    pthread_mutex_init(mutex, nil)
    condition = .allocate(capacity: 1)
    var attributes = pthread_condattr_t()
    pthread_condattr_init(&attributes)
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
    pthread_cond_init(condition, &attributes)
    pthread_condattr_destroy(&attributes)
  }

  deinit {
    pthread_cond_destroy(condition)
    pthread_mutex_destroy(mutex)
    condition.deallocate()
    mutex.deallocate()
  }

  /// Registers a waiter; returns the epoch to pass to `wait`.
  func prepare() -> Int {
    sleepers.add(1, ordering: .sequentiallyConsistent)
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return epoch
  }

  /// Waits until the epoch moves past `observed` or `timeoutNanoseconds`
  /// pass; true when the epoch moved (a signal), false on the timeout.
  @discardableResult
  func wait(_ observed: Int, timeoutNanoseconds: Int = IdleGate.timeoutNanoseconds) -> Bool {
    var deadline = timespec()
    clock_gettime(CLOCK_MONOTONIC, &deadline)
    deadline.tv_sec += timeoutNanoseconds / 1_000_000_000
    deadline.tv_nsec += timeoutNanoseconds % 1_000_000_000
    if deadline.tv_nsec >= 1_000_000_000 {
      deadline.tv_sec += 1
      deadline.tv_nsec -= 1_000_000_000
    }
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    while epoch == observed {
      if pthread_cond_timedwait(condition, mutex, &deadline) != 0 { return epoch != observed }
    }
    return true
  }

  /// Unregisters a waiter.
  func finish() {
    sleepers.subtract(1, ordering: .sequentiallyConsistent)
  }

  /// Wakes the waiters, if any, after work became available.
  @inline(__always)
  func signal() {
    atomicMemoryFence(ordering: .sequentiallyConsistent)
    if sleepers.load(ordering: .sequentiallyConsistent) > 0 { wake() }
  }

  @inline(never)
  private func wake() {
    pthread_mutex_lock(mutex)
    epoch &+= 1
    pthread_cond_broadcast(condition)
    pthread_mutex_unlock(mutex)
  }
}

/// How a thread with nothing to do waits for another to make progress:
/// a few looks spinning, as many yielding the core, then asleep at a gate
/// between looks (a spinning virtual core takes the time of the one that
/// shares its physical core, which may be the thread it waits for).
///
/// A value owned by one waiting thread; `reset` after progress.
struct Backoff {
  /// Looks spent spinning, then as many yielding, before sleeping.
  static let spins = 64
  /// The longest sleep between looks without a signal.
  static let sleepNanoseconds = 100_000
  private var rounds = 0

  /// Starts over after the thread found work.
  @inline(__always)
  mutating func reset() { rounds = 0 }

  /// One idle round. Once spinning and yielding are spent, sleeps at
  /// `gate` unless `ready` (checked after registering, so a signal cannot
  /// be missed) says the wait is over.
  @inline(__always)
  mutating func pause(at gate: IdleGate, unless ready: () -> Bool) {
    rounds += 1
    if rounds > 2 * Self.spins {
      let epoch = gate.prepare()
      if !ready() { gate.wait(epoch, timeoutNanoseconds: Self.sleepNanoseconds) }
      gate.finish()
    } else if rounds > Self.spins {
      sched_yield()
    }
  }
}
