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
