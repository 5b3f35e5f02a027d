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

/// A fixed number of values, each guarded by its own spin lock, in one flat
/// buffer: no per-element set-up or tear-down (a pthread mutex needs both),
/// a lock word of four bytes beside each value, each pair on cache lines of
/// its own.
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
  /// One slot per element: the lock word, then the element, padded to
  /// whole cache lines so that threads working on neighbouring elements
  /// (adjacent transactions, different shards) never share a line.
  @usableFromInline let base: UnsafeMutableRawPointer
  @usableFromInline let stride: Int
  @usableFromInline let elementOffset: Int
  public let count: Int

  static var cacheLine: Int { 64 }

  public init(count: Int, _ initial: (Int) -> Element) {
    self.count = count
    let alignment = max(MemoryLayout<Element>.alignment, MemoryLayout<Atomic<UInt32>>.alignment)
    elementOffset =
      (MemoryLayout<Atomic<UInt32>>.size + MemoryLayout<Element>.alignment - 1)
      & ~(MemoryLayout<Element>.alignment - 1)
    let used = elementOffset + MemoryLayout<Element>.size
    stride = (used + Self.cacheLine - 1) / Self.cacheLine * Self.cacheLine
    base = .allocate(byteCount: max(count, 1) * stride, alignment: max(alignment, Self.cacheLine))
    for i in 0..<count {
      (base + i * stride).bindMemory(to: Atomic<UInt32>.self, capacity: 1).initialize(to: Atomic(0))
      (base + i * stride + elementOffset).bindMemory(to: Element.self, capacity: 1).initialize(
        to: initial(i))
    }
  }

  deinit {
    for i in 0..<count {
      element(i).deinitialize(count: 1)
      lockWord(i).deinitialize(count: 1)
    }
    base.deallocate()
  }

  @inlinable @inline(__always)
  func lockWord(_ index: Int) -> UnsafeMutablePointer<Atomic<UInt32>> {
    (base + index &* stride).assumingMemoryBound(to: Atomic<UInt32>.self)
  }

  @inlinable @inline(__always)
  func element(_ index: Int) -> UnsafeMutablePointer<Element> {
    (base + index &* stride + elementOffset).assumingMemoryBound(to: Element.self)
  }

  @inlinable @inline(__always)
  func lock(_ index: Int) {
    if lockWord(index).pointee.compareExchange(expected: 0, desired: 1, ordering: .acquiring)
      .exchanged
    {
      return
    }
    lockSlowly(index)
  }

  @usableFromInline @inline(never)
  func lockSlowly(_ index: Int) {
    let word = lockWord(index)
    var spins = 0
    while true {
      while word.pointee.load(ordering: .relaxed) != 0 {
        spins += 1
        if spins > 64 { sched_yield() }
      }
      if word.pointee.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged {
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
    defer { lockWord(index).pointee.store(0, ordering: .releasing) }
    return try body(&element(index).pointee)
  }

  /// Runs `body` with exclusive access when element `index` is free right
  /// now; `nil` (without waiting) when another thread holds it.
  @inlinable @inline(__always)
  public func withLockIfAvailable<Result>(
    _ index: Int, _ body: (inout Element) throws -> Result
  ) rethrows -> Result? {
    precondition(index >= 0 && index < count, "SpinLockedArray index out of range")
    guard
      lockWord(index).pointee.compareExchange(expected: 0, desired: 1, ordering: .acquiring)
        .exchanged
    else { return nil }
    defer { lockWord(index).pointee.store(0, ordering: .releasing) }
    return try body(&element(index).pointee)
  }
}
