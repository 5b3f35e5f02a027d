import Synchronization

/// A `Mutex` in a class box, so that arrays of independently locked values
/// can exist (`Mutex` itself is not copyable).
///
/// Invariant: the value is only touched inside `withLock`.
public final class Locked<Value: Sendable>: Sendable {
  private let mutex: Mutex<Value>

  public init(_ value: sending Value) { mutex = Mutex(value) }

  @inline(__always)
  public func withLock<Result>(_ body: (inout sending Value) throws -> sending Result) rethrows -> sending Result {
    try mutex.withLock(body)
  }
}
