import EVM
import EVMPrimitives

/// The accounts of an `InMemoryState`, in two layers so that executing a
/// block never copies the state it started from.
///
/// - `base` holds the accounts as they were when the store was made (or last
///   `flatten`ed). Copies of the store share it; it is written only through
///   `flatten`, which copies it first when it is shared (copy on write).
/// - `changes` holds every account written since, whole (a `nil` value: the
///   account was deleted). The first write to an account copies it from
///   `base` (its code and storage are themselves copy-on-write values).
///
/// A read looks in `changes`, then in `base`. Cost of a block: proportional
/// to the accounts it writes, not to the size of the state.
public struct AccountStore: Sendable {
  @usableFromInline var base: FlatDictionary<Address, StoredAccount>
  @usableFromInline var changes: FlatDictionary<Address, StoredAccount?>

  public init(_ accounts: FlatDictionary<Address, StoredAccount> = [:]) {
    base = accounts
    changes = [:]
  }

  /// `body` applied to the account in place (no copy); `nil` when absent.
  @inlinable @inline(__always)
  public func withAccount<R>(_ address: Address, _ body: (UnsafePointer<StoredAccount>) -> R) -> R?
  {
    let changed = changes.withValuePointer(forKey: address) {
      (entry: UnsafePointer<StoredAccount?>) -> R? in
      guard entry.pointee != nil else { return nil }
      // A single-payload enum keeps its payload at offset 0.
      return body(UnsafeRawPointer(entry).assumingMemoryBound(to: StoredAccount.self))
    }
    if let changed { return changed }
    return base.withValuePointer(forKey: address, body)
  }

  /// Whether the account was never written since the store was made (or
  /// last flattened): it is then `base`'s, as in every copy made since
  /// that shares `base` and has not written it either. One probe of the
  /// small `changes` table, none of `base`.
  @inlinable @inline(__always)
  public func isUnwritten(_ address: Address) -> Bool { !changes.contains(address) }

  /// Makes room for `count` more written accounts (a block's worth), so
  /// that the table of changes does not grow step by step while it runs.
  public mutating func reserveWrites(_ count: Int) {
    guard count > 0 else { return }
    changes.reserveCapacity(changes.count + count)
  }

  /// The account; assigning `nil` deletes it.
  @inlinable
  public subscript(address: Address) -> StoredAccount? {
    get {
      if let changed = changes[address] { return changed }
      return base[address]
    }
    set { changes[address] = .some(newValue) }
    _modify {
      if !changes.contains(address) { changes[address] = .some(base[address]) }
      yield &changes[address, default: nil]
    }
  }

  /// `body` applied to the account in place, created as `defaultValue()`
  /// when absent.
  @inlinable
  public mutating func modify<R>(
    _ address: Address, default defaultValue: @autoclosure () -> StoredAccount,
    _ body: (inout StoredAccount) -> R
  ) -> R {
    let base = self.base
    return changes.modify(address, insertingIfAbsent: { .some(base[address] ?? defaultValue()) }) {
      entry in
      if entry == nil { entry = defaultValue() }  // deleted earlier: created anew
      return body(&entry!)
    }
  }

  /// The number of accounts (counts by iterating: not for hot paths).
  public var count: Int {
    var count = 0
    for _ in self { count += 1 }
    return count
  }

  /// The addresses of the accounts, in iteration order.
  public var keys: [Address] { map(\.key) }

  /// Moves `changes` into `base` (copying `base` first when it is shared).
  public mutating func flatten() {
    guard !changes.isEmpty else { return }
    for (address, account) in changes {
      base[address] = account
    }
    changes = [:]
  }
}

extension AccountStore: Sequence {
  public typealias Element = (key: Address, value: StoredAccount)

  /// The changed accounts first, then the unchanged ones of `base`.
  public struct Iterator: IteratorProtocol {
    var changed: FlatDictionary<Address, StoredAccount?>.Iterator
    var unchanged: FlatDictionary<Address, StoredAccount>.Iterator
    let changes: FlatDictionary<Address, StoredAccount?>

    public mutating func next() -> Element? {
      while let (address, account) = changed.next() {
        if let account { return (address, account) }
      }
      while let (address, account) = unchanged.next() {
        if !changes.contains(address) { return (address, account) }
      }
      return nil
    }
  }

  public func makeIterator() -> Iterator {
    Iterator(
      changed: changes.makeIterator(), unchanged: base.makeIterator(), changes: changes)
  }
}

extension AccountStore: ExpressibleByDictionaryLiteral {
  public init(dictionaryLiteral elements: (Address, StoredAccount)...) {
    var accounts = FlatDictionary<Address, StoredAccount>(minimumCapacity: elements.count)
    for (address, account) in elements { accounts[address] = account }
    self.init(accounts)
  }
}
