import EVMPrimitives

/// The fields of an account that live in the account trie leaf (storage root aside).
@frozen
public struct AccountInfo: Equatable, Sendable {
  public var balance: UInt256
  public var nonce: UInt64
  /// `Keccak256.emptyHash` for an account without code.
  public var codeHash: Bytes32

  @inlinable
  public init(balance: UInt256 = .zero, nonce: UInt64 = 0, codeHash: Bytes32 = Keccak256.emptyHash)
  {
    self.balance = balance
    self.nonce = nonce
    self.codeHash = codeHash
  }

  /// EIP-161 emptiness: no code, zero nonce, zero balance.
  @inlinable
  public var isEmpty: Bool { nonce == 0 && balance.isZero && codeHash == Keccak256.emptyHash }

  /// True when the account has code.
  @inlinable
  public var hasCode: Bool { codeHash != Keccak256.emptyHash }
}
