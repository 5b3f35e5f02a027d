import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A value guarded by a mutex: the lock of every structure the parallel
/// executor shares.
///
/// Built on `pthread_mutex_t`, not `Synchronization.Mutex`: ThreadSanitizer
/// cannot see `Mutex`'s futex-based locking on Linux (a `Mutex`-guarded
/// counter shared by two threads reports data races under
/// `--sanitize=thread` with this toolchain), which would make the parallel
/// tests' sanitizer run useless. The pthread lock is intercepted by the
/// sanitizer and costs the same on the uncontended path.
///
/// Invariant: `value` is read and written only inside `withLock`.
public final class Locked<Value>: @unchecked Sendable {
  @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>
  @usableFromInline var value: Value

  public init(_ value: Value) {
    self.value = value
    mutex = .allocate(capacity: 1)
    pthread_mutex_init(mutex, nil)
  }

  deinit {
    pthread_mutex_destroy(mutex)
    mutex.deallocate()
  }

  /// Runs `body` with exclusive access to the value.
  @inlinable @inline(__always)
  public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return try body(&value)
  }

  /// Runs `body` with exclusive access when the lock is free right now;
  /// `nil` (without waiting) when another thread holds it.
  @inlinable @inline(__always)
  public func withLockIfAvailable<Result>(_ body: (inout Value) throws -> Result) rethrows
    -> Result?
  {
    guard pthread_mutex_trylock(mutex) == 0 else { return nil }
    defer { pthread_mutex_unlock(mutex) }
    return try body(&value)
  }
}

/// A fixed number of values, each guarded by its own spin lock, in flat
/// buffers: no per-element set-up or tear-down (a pthread mutex needs both),
/// and a lock word of four bytes.
///
/// For critical sections of a few dozen instructions only (Block-STM's
/// per-transaction bookkeeping). A waiter spins briefly, then yields the
/// core, so that oversubscribed threads (more workers than cores) still make
/// progress when the holder is descheduled.
///
/// Invariants: element `i` is read and written only inside `withLock(i)`.
/// The lock word is taken with an acquiring compare-exchange and released
/// with a releasing store, so everything done inside one critical section
/// happens before everything done inside the next one on the same element
/// (ThreadSanitizer sees these atomics as synchronisation).
public final class SpinLockedArray<Element>: @unchecked Sendable {
  @usableFromInline let locks: UnsafeMutablePointer<Atomic<UInt32>>
  @usableFromInline let elements: UnsafeMutablePointer<Element>
  public let count: Int

  public init(count: Int, _ initial: (Int) -> Element) {
    self.count = count
    locks = .allocate(capacity: max(count, 1))
    elements = .allocate(capacity: max(count, 1))
    for i in 0..<count {
      (locks + i).initialize(to: Atomic(0))
      (elements + i).initialize(to: initial(i))
    }
  }

  deinit {
    elements.deinitialize(count: count)
    locks.deinitialize(count: count)
    locks.deallocate()
    elements.deallocate()
  }

  @inlinable @inline(__always)
  func lock(_ index: Int) {
    if locks[index].compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged {
      return
    }
    lockSlowly(index)
  }

  @usableFromInline @inline(never)
  func lockSlowly(_ index: Int) {
    var spins = 0
    while true {
      while locks[index].load(ordering: .relaxed) != 0 {
        spins += 1
        if spins > 64 { sched_yield() }
      }
      if locks[index].compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged {
        return
      }
    }
  }

  /// Runs `body` with exclusive access to element `index`.
  @inlinable @inline(__always)
  public func withLock<Result>(_ index: Int, _ body: (inout Element) throws -> Result) rethrows
    -> Result
  {
    precondition(index >= 0 && index < count, "SpinLockedArray index out of range")
    lock(index)
    defer { locks[index].store(0, ordering: .releasing) }
    return try body(&elements[index])
  }

  /// Runs `body` with exclusive access when element `index` is free right
  /// now; `nil` (without waiting) when another thread holds it.
  @inlinable @inline(__always)
  public func withLockIfAvailable<Result>(
    _ index: Int, _ body: (inout Element) throws -> Result
  ) rethrows -> Result? {
    precondition(index >= 0 && index < count, "SpinLockedArray index out of range")
    guard locks[index].compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged
    else { return nil }
    defer { locks[index].store(0, ordering: .releasing) }
    return try body(&elements[index])
  }
}
