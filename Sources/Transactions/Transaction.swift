import EVMCrypto
import EVMPrimitives

/// The EIP-2718 envelope type of a transaction.
public enum TransactionType: UInt8, Sendable, CustomStringConvertible {
  /// The original RLP list (with or without EIP-155 replay protection).
  case legacy = 0
  /// EIP-2930: chain id and access list (Berlin).
  case accessList = 1
  /// EIP-1559: priority fee and fee cap (London).
  case dynamicFee = 2
  /// EIP-4844: blob-carrying (Cancun).
  case blob = 3
  /// EIP-7702: set code for EOAs (Prague).
  case setCode = 4

  /// The first fork whose blocks may contain this type.
  public var introducedIn: Fork {
    switch self {
    case .legacy: return .frontier
    case .accessList: return .berlin
    case .dynamicFee: return .london
    case .blob: return .cancun
    case .setCode: return .prague
    }
  }

  /// `legacy`, `EIP-2930`, … for messages.
  public var description: String {
    switch self {
    case .legacy: return "legacy"
    case .accessList: return "EIP-2930 access-list"
    case .dynamicFee: return "EIP-1559 dynamic-fee"
    case .blob: return "EIP-4844 blob"
    case .setCode: return "EIP-7702 set-code"
    }
  }
}

/// One entry of an EIP-2930 access list: an account and storage slots to warm.
public struct AccessListEntry: Hashable, Sendable {
  /// The account warmed.
  public var address: Address
  /// Its storage slots warmed (encoded on the wire as 32-byte strings).
  public var storageKeys: [UInt256]

  /// An entry for `address` and `storageKeys`.
  public init(address: Address, storageKeys: [UInt256]) {
    self.address = address
    self.storageKeys = storageKeys
  }
}

/// An EIP-7702 authorisation tuple: the signer (the *authority*) delegates its
/// code to `address`.
public struct Authorization: Hashable, Sendable {
  /// The chain the authorisation is valid on (0 = any chain). Up to 256 bits on the wire.
  public var chainId: UInt256
  /// The account whose code the authority delegates to.
  public var address: Address
  /// The authority's nonce the authorisation is valid for.
  public var nonce: UInt64
  /// The signature's y parity (valid values are 0 and 1; decoding accepts any byte).
  public var yParity: UInt8
  /// Signature r.
  public var r: UInt256
  /// Signature s.
  public var s: UInt256

  /// An authorisation from its six fields.
  public init(
    chainId: UInt256, address: Address, nonce: UInt64, yParity: UInt8, r: UInt256, s: UInt256
  ) {
    self.chainId = chainId
    self.address = address
    self.nonce = nonce
    self.yParity = yParity
    self.r = r
    self.s = s
  }

  /// The message the authority signs: `keccak256(0x05 ‖ rlp([chain_id, address, nonce]))`.
  public var signingHash: Bytes32 {
    var encoder = RLPEncoder()
    encoder.appendList { list in
      list.append(chainId)
      list.append(address)
      list.append(nonce)
    }
    return Keccak256.hash([0x05] + encoder.bytes)
  }

  /// The account that signed this authorisation, or `nil` when the signature
  /// is invalid, exactly as the execution specs' `recover_authority`: y parity
  /// must be 0 or 1, 0 < r < n, 0 < s ≤ n/2, and recovery must succeed.
  /// (An invalid authorisation is skipped by the executor, not fatal to the
  /// transaction.)
  public func authority() -> Address? {
    guard yParity < 2, !r.isZero, r < Secp256k1.n, !s.isZero, s <= Secp256k1.halfN else {
      return nil
    }
    return Secp256k1.recoverAddress(hash: signingHash, r: r, s: s, recoveryId: Int(yParity))
  }
}

/// A signed transaction of any type, with every field of every envelope.
///
/// Fields a type does not have hold zero or empty values:
/// - `gasPrice` is the legacy/EIP-2930 gas price; for EIP-1559 and later types
///   it mirrors `maxFeePerGas` (the most the sender pays per gas).
/// - `maxPriorityFeePerGas` and `maxFeePerGas` are the EIP-1559 fee fields;
///   for legacy and EIP-2930 transactions both mirror `gasPrice`, so the
///   London effective-price rule `min(maxPriority, maxFee − baseFee) + baseFee`
///   yields `gasPrice` for every type.
/// - `v` is the legacy `v` (27/28 or EIP-155 `35 + 2·chainId + parity`) or,
///   for typed transactions, the y parity as decoded.
public struct Transaction: Hashable, Sendable {
  /// The envelope type.
  public var type: TransactionType
  /// The chain id: the signed one for typed transactions, the one encoded in
  /// `v` for EIP-155 legacy transactions, `nil` for pre-EIP-155 legacy ones.
  public var chainId: UInt64?
  /// The sender's nonce.
  public var nonce: UInt64
  /// Legacy/EIP-2930 gas price (see the type's documentation for other types).
  public var gasPrice: UInt256
  /// EIP-1559 priority fee cap.
  public var maxPriorityFeePerGas: UInt256
  /// EIP-1559 fee cap.
  public var maxFeePerGas: UInt256
  /// The gas limit.
  public var gasLimit: UInt64
  /// The recipient; `nil` creates a contract (not allowed for blob and set-code types).
  public var to: Address?
  /// Wei transferred.
  public var value: UInt256
  /// Call data, or init code for a creation.
  public var data: [UInt8]
  /// EIP-2930 access list (typed transactions only).
  public var accessList: [AccessListEntry]
  /// EIP-4844 blob gas fee cap.
  public var maxFeePerBlobGas: UInt256
  /// EIP-4844 versioned hashes of the blobs.
  public var blobVersionedHashes: [Bytes32]
  /// EIP-7702 authorisations.
  public var authorizationList: [Authorization]
  /// Legacy `v`, or the typed transactions' y parity.
  public var v: UInt256
  /// Signature r.
  public var r: UInt256
  /// Signature s.
  public var s: UInt256

  /// A transaction from its fields; unused fields default to zero or empty.
  ///
  /// The mirrored fee fields are filled in from the type's own: for legacy and
  /// EIP-2930 transactions both EIP-1559 fields are set to `gasPrice`; for
  /// later types `gasPrice` is set to `maxFeePerGas` (the argument is ignored).
  public init(
    type: TransactionType, chainId: UInt64? = nil, nonce: UInt64 = 0, gasPrice: UInt256 = .zero,
    maxPriorityFeePerGas: UInt256 = .zero, maxFeePerGas: UInt256 = .zero, gasLimit: UInt64 = 0,
    to: Address? = nil, value: UInt256 = .zero, data: [UInt8] = [],
    accessList: [AccessListEntry] = [], maxFeePerBlobGas: UInt256 = .zero,
    blobVersionedHashes: [Bytes32] = [], authorizationList: [Authorization] = [],
    v: UInt256 = .zero, r: UInt256 = .zero, s: UInt256 = .zero
  ) {
    self.type = type
    self.chainId = chainId
    self.nonce = nonce
    if type == .legacy || type == .accessList {
      self.gasPrice = gasPrice
      self.maxPriorityFeePerGas = gasPrice
      self.maxFeePerGas = gasPrice
    } else {
      self.gasPrice = maxFeePerGas
      self.maxPriorityFeePerGas = maxPriorityFeePerGas
      self.maxFeePerGas = maxFeePerGas
    }
    self.gasLimit = gasLimit
    self.to = to
    self.value = value
    self.data = data
    self.accessList = accessList
    self.maxFeePerBlobGas = maxFeePerBlobGas
    self.blobVersionedHashes = blobVersionedHashes
    self.authorizationList = authorizationList
    self.v = v
    self.r = r
    self.s = s
  }

  /// True for a contract creation (`to == nil`).
  @inlinable public var isCreation: Bool { to == nil }

  /// The y parity of a typed transaction's signature (`v` as decoded).
  @inlinable public var yParity: UInt256 { v }
}
