import EVMPrimitives

/// A storage location: account and slot.
@frozen
public struct SlotKey: Hashable, Sendable {
  public var address: Address
  public var key: UInt256

  @inlinable
  public init(_ address: Address, _ key: UInt256) {
    self.address = address
    self.key = key
  }
}

/// What one transaction did to one account.
public struct AccountChange: Sendable {
  /// The account after the transaction; `nil` when it no longer exists
  /// (self-destructed, or touched while empty after EIP-161).
  public var info: AccountInfo?
  /// True when every storage slot of the account must be treated as zero
  /// before `storage` is applied (the account was destroyed or created).
  public var storageCleared: Bool
  /// Slots whose value changed, with their new values.
  public var storage: [(key: UInt256, value: UInt256)]
  /// The newly deployed code, when the transaction deployed code here.
  public var code: Bytecode?

  public init(
    info: AccountInfo?, storageCleared: Bool = false,
    storage: [(key: UInt256, value: UInt256)] = [], code: Bytecode? = nil
  ) {
    self.info = info
    self.storageCleared = storageCleared
    self.storage = storage
    self.code = code
  }
}

/// The effects of one transaction ("diff out"): full account changes for
/// accounts the transaction read, and balance credits for accounts it only paid
/// (the block producer's fee), which Block-STM keeps lazy so that every
/// transaction paying the same coinbase does not conflict.
public struct StateChanges: Sendable {
  public var accounts: [Address: AccountChange] = [:]
  /// Balance added to accounts that the transaction never read. Applying a
  /// credit to an absent account creates it.
  public var credits: [Address: UInt256] = [:]

  public init() {}
}
