import EVMPrimitives

/// What the EVM reads from the world: the state as it was before the
/// transaction ("view in"). The EVM never writes through it; a transaction's
/// effects come back as `StateChanges` ("diff out").
///
/// Four calls, so that an in-memory store and Block-STM's multi-version
/// memory plug in alike. Methods are `mutating` so that a view may record
/// what it was asked (Block-STM's read set). Gas rules never reach the view:
/// warm/cold accounting lives in the EVM's `JournaledState`.
///
/// The interpreter is generic over the view, so every call is specialised and
/// statically dispatched.
public protocol StateView {
  /// The account, or `nil` when it does not exist.
  mutating func account(_ address: Address) -> AccountInfo?
  /// The account's code hash alone (`Keccak256.emptyHash` when it has no code
  /// or does not exist). Kept apart from `account` so that Block-STM can tell
  /// a read of code from a read of the balance that lazy credits change.
  mutating func codeHash(_ address: Address) -> Bytes32
  /// The analysed code with hash `hash` (the code of `address`). Content
  /// addressed, so never a conflict between transactions.
  mutating func code(_ address: Address, hash: Bytes32) -> Bytecode
  /// The storage slot's value (zero when unset).
  mutating func storage(_ address: Address, _ key: UInt256) -> UInt256
  /// True when the account has any non-zero storage slot (the EIP-7610 CREATE
  /// collision rule asks this).
  mutating func hasStorage(_ address: Address) -> Bool
  /// The hash of block `number` (zero when unknown); the caller has already
  /// checked the 256-block window.
  mutating func blockHash(_ number: UInt64) -> Bytes32
  /// EIP-161 "dead": the account is absent or empty. Asked instead of
  /// `account` where only that matters (the new-account charge of a value
  /// CALL), so that Block-STM records a read of the account's liveness, which
  /// other transactions' fee credits do not change, rather than of its
  /// balance.
  mutating func isDead(_ address: Address) -> Bool
}

extension StateView {
  public mutating func isDead(_ address: Address) -> Bool {
    guard let info = account(address) else { return true }
    return info.isEmpty
  }
}
