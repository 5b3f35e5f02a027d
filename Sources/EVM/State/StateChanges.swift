import EVMPrimitives

/// A storage location: account and slot.
@frozen
public struct SlotKey: Hashable, FlatHashable, Sendable {
  public var address: Address
  public var key: UInt256

  @inlinable
  public init(_ address: Address, _ key: UInt256) {
    self.address = address
    self.key = key
  }

  /// One combine of a pre-mixed word instead of seven.
  @inlinable
  public func hash(into hasher: inout Hasher) {
    var h = address.high ^ (address.middle &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(address.low) << 17)
    h ^= key.w0 &* 0xBF58_476D_1CE4_E5B9
    h ^= key.w1 &* 0x94D0_49BB_1331_11EB
    h ^= key.w2 ^ (key.w3 << 1)
    hasher.combine(h)
  }

  @inlinable @inline(__always)
  public func flatHash(seed: UInt64) -> UInt64 {
    FlatHash.combine(
      FlatHash.combine(
        FlatHash.combine(key.w0 ^ seed ^ address.high, key.w1 ^ address.middle),
        key.w2 ^ UInt64(address.low)), key.w3)
  }
}

/// What one transaction did to one account.
public struct AccountChange: Sendable {
  /// The account after the transaction; `nil` when it no longer exists
  /// (self-destructed, or touched while empty after EIP-161). Meaningful
  /// only when `infoChanged`.
  public var info: AccountInfo?
  /// False when only storage changed: the account's fields are as before
  /// (and the transaction may never have read them, so Block-STM records no
  /// read or write of the account itself).
  public var infoChanged: Bool
  /// True when every storage slot of the account must be treated as zero
  /// before `storage` is applied (the account was destroyed or created).
  public var storageCleared: Bool
  /// Slots whose value changed, with their new values.
  public var storage: [(key: UInt256, value: UInt256)]
  /// The newly deployed code, when the transaction deployed code here.
  public var code: Bytecode?

  public init(
    info: AccountInfo?, infoChanged: Bool = true, storageCleared: Bool = false,
    storage: [(key: UInt256, value: UInt256)] = [], code: Bytecode? = nil
  ) {
    self.info = info
    self.infoChanged = infoChanged
    self.storageCleared = storageCleared
    self.storage = storage
    self.code = code
  }
}

/// A change to an account that the transaction never read: a balance
/// addition (wrapping, so a debit is the two's complement of the amount) and
/// a nonce increment.
public struct AccountDelta: Equatable, Sendable {
  public var balance: UInt256
  public var nonce: UInt64

  public init(balance: UInt256 = .zero, nonce: UInt64 = 0) {
    self.balance = balance
    self.nonce = nonce
  }

  /// The two deltas one after the other.
  @inlinable
  public func adding(_ other: AccountDelta) -> AccountDelta {
    AccountDelta(balance: balance &+ other.balance, nonce: nonce &+ other.nonce)
  }

  /// `info` with the delta applied (an absent account is created).
  @inlinable
  public func applied(to info: AccountInfo?) -> AccountInfo {
    var result = info ?? AccountInfo()
    result.balance = result.balance &+ balance
    result.nonce = result.nonce &+ nonce
    return result
  }
}

/// The effects of one transaction ("diff out"): full account changes for
/// accounts the transaction read, and deltas for accounts it only paid or
/// debited without reading (the block producer's fee, a plain transfer's
/// recipient, a lazily checked sender), which Block-STM keeps lazy so that
/// transactions touching the same account this way do not conflict.
public struct StateChanges: Sendable {
  public var accounts = FlatDictionary<Address, AccountChange>()
  /// Deltas to accounts that the transaction never read. Applying a delta to
  /// an absent account creates it.
  public var deltas = FlatDictionary<Address, AccountDelta>()

  public init() {}
}
