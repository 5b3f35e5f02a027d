import EVMPrimitives

/// Why bytes are not a well-formed transaction envelope. Independent of the fork.
public enum TransactionDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
  /// No bytes at all.
  case empty
  /// A type byte outside 1...4 (0 is reserved for the untyped legacy form),
  /// or an RLP string where a legacy list or a type byte was expected.
  case unsupportedType(UInt8)
  /// The RLP itself is malformed (non-canonical length, truncated, …); the
  /// payload is the reader's explanation.
  case malformedRLP(String)
  /// The payload is not an RLP list.
  case notAList
  /// Bytes remain after the transaction.
  case trailingBytes
  /// The list has the wrong number of fields.
  case wrongFieldCount(TransactionType, expected: Int, found: Int)
  /// A list appeared where a byte string field was expected.
  case expectedBytes(field: String)
  /// A byte string appeared where a list was expected.
  case expectedList(field: String)
  /// An integer field has a leading zero byte (non-canonical).
  case leadingZeros(field: String)
  /// An integer field is longer than its type allows.
  case overflow(field: String, maxBytes: Int)
  /// An address field does not have 20 bytes (or is empty where it may not be).
  case invalidAddress(field: String, length: Int)
  /// A storage key or versioned hash does not have 32 bytes.
  case invalidHashLength(field: String, length: Int)
  /// A blob or set-code transaction with an empty `to`.
  case contractCreationNotAllowed(TransactionType)

  /// A sentence naming the problem.
  public var description: String {
    switch self {
    case .empty: return "empty transaction bytes"
    case .unsupportedType(let type):
      return "unsupported transaction type 0x\(String(type, radix: 16))"
    case .malformedRLP(let reason): return "malformed RLP: \(reason)"
    case .notAList: return "transaction payload is not an RLP list"
    case .trailingBytes: return "trailing bytes after the transaction"
    case .wrongFieldCount(let type, let expected, let found):
      return "\(type) transaction has \(found) fields, expected \(expected)"
    case .expectedBytes(let field): return "\(field): expected a byte string, found a list"
    case .expectedList(let field): return "\(field): expected a list, found a byte string"
    case .leadingZeros(let field): return "\(field): integer has leading zero bytes"
    case .overflow(let field, let maxBytes):
      return "\(field): integer longer than \(maxBytes) bytes"
    case .invalidAddress(let field, let length):
      return "\(field): address has \(length) bytes, expected 20"
    case .invalidHashLength(let field, let length):
      return "\(field): has \(length) bytes, expected 32"
    case .contractCreationNotAllowed(let type):
      return "\(type) transactions cannot create contracts (empty `to`)"
    }
  }
}

/// Why a well-formed transaction is not valid at a fork, independent of the state.
public enum TransactionValidationError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The envelope type is not enabled at this fork.
  case typeNotSupported(TransactionType, Fork)
  /// r is zero or not below the curve order.
  case invalidR
  /// s is zero, not below the curve order, or (from Homestead, EIP-2) above n/2.
  case invalidS
  /// `v` (legacy) or the y parity (typed) is not an allowed value.
  case invalidV(UInt256)
  /// The signed chain id is not the chain's (EIP-155 `v`, or a typed transaction's field).
  case invalidChainId(expected: UInt64, found: UInt256)
  /// No public key recovers from the signature.
  case recoveryFailed
  /// The nonce is 2^64 − 1 (EIP-2681).
  case nonceOverflow
  /// The gas limit does not cover the intrinsic cost (or the EIP-7623 floor).
  case intrinsicGasTooLow(gasLimit: UInt64, required: UInt64)
  /// A creation's init code is longer than the EIP-3860 limit.
  case initCodeTooLarge(size: Int, limit: Int)
  /// The gas limit is above the EIP-7825 per-transaction cap (Osaka).
  case gasLimitAboveCap(gasLimit: UInt64, cap: UInt64)
  /// `maxPriorityFeePerGas > maxFeePerGas`.
  case priorityFeeGreaterThanMaxFee
  /// `gasLimit × gas price` does not fit in 256 bits: no balance can pay it.
  case gasLimitPriceProductOverflow
  /// A blob transaction without blobs.
  case noBlobs
  /// More blobs than one transaction may carry (Osaka).
  case tooManyBlobs(count: Int, limit: Int)
  /// A versioned hash whose first byte is not the KZG version 0x01.
  case invalidBlobVersionedHash(index: Int)
  /// A set-code transaction with no authorisations.
  case emptyAuthorizationList

  /// A sentence naming the problem.
  public var description: String {
    switch self {
    case .typeNotSupported(let type, let fork):
      return "\(type) transactions are not valid in \(fork)"
    case .invalidR: return "signature r is zero or not below the curve order"
    case .invalidS: return "signature s is zero or out of range"
    case .invalidV(let v): return "signature v / y parity \(v) is not allowed"
    case .invalidChainId(let expected, let found):
      return "transaction signed for chain id \(found), expected \(expected)"
    case .recoveryFailed: return "no public key recovers from the signature"
    case .nonceOverflow: return "nonce is 2^64-1 (EIP-2681)"
    case .intrinsicGasTooLow(let gasLimit, let required):
      return "gas limit \(gasLimit) is below the intrinsic gas \(required)"
    case .initCodeTooLarge(let size, let limit):
      return "init code of \(size) bytes exceeds the limit of \(limit)"
    case .gasLimitAboveCap(let gasLimit, let cap):
      return "gas limit \(gasLimit) exceeds the per-transaction cap \(cap)"
    case .priorityFeeGreaterThanMaxFee: return "max priority fee per gas exceeds max fee per gas"
    case .gasLimitPriceProductOverflow: return "gas limit × gas price overflows 256 bits"
    case .noBlobs: return "blob transaction carries no blobs"
    case .tooManyBlobs(let count, let limit):
      return "\(count) blobs exceed the per-transaction limit \(limit)"
    case .invalidBlobVersionedHash(let index):
      return "blob versioned hash \(index) does not start with the KZG version byte 0x01"
    case .emptyAuthorizationList: return "set-code transaction with an empty authorization list"
    }
  }
}
