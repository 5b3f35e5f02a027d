import EVMCrypto
import EVMPrimitives

// MARK: - Decoding

extension Transaction {
  /// Decodes a transaction in its canonical (network and trie) form: a legacy
  /// RLP list, or an EIP-2718 type byte followed by the RLP list of that type.
  ///
  /// Decoding is strict: canonical RLP only, no leading zeros in integers,
  /// integers no wider than their field (nonce, gas limit and chain id 64 bits,
  /// fee and value fields 256 bits), addresses of exactly 20 bytes, storage
  /// keys and versioned hashes of exactly 32, the exact field count, and no
  /// trailing bytes. Whether the type is enabled and the signature valid are
  /// fork rules, checked by ``recoverSender(fork:chainId:)`` and ``validate(fork:)``.
  public static func decode(_ bytes: [UInt8]) throws(TransactionDecodingError) -> Transaction {
    try decode(bytes[...])
  }

  /// Decodes a transaction in its canonical form (see ``decode(_:)-([UInt8])``).
  public static func decode(_ bytes: ArraySlice<UInt8>) throws(TransactionDecodingError)
    -> Transaction
  {
    guard let first = bytes.first else { throw .empty }
    if first >= 0xc0 {
      var outer = RLPReader(bytes)
      var fields = try list(&outer, field: "transaction")
      guard outer.isAtEnd else { throw .trailingBytes }
      return try decodeLegacy(&fields)
    }
    guard first >= 1, first <= 4, let type = TransactionType(rawValue: first) else {
      throw .unsupportedType(first)
    }
    var outer = RLPReader(bytes.dropFirst())
    guard outer.peekIsList else {
      if outer.isAtEnd { throw .malformedRLP(RLPError.unexpectedEnd.description) }
      throw .notAList
    }
    var fields = try list(&outer, field: "transaction")
    guard outer.isAtEnd else { throw .trailingBytes }
    return try decodeTyped(type, &fields)
  }

  private static func decodeLegacy(_ r: inout RLPReader) throws(TransactionDecodingError)
    -> Transaction
  {
    try expectFieldCount(r, 9, .legacy)
    var tx = Transaction(type: .legacy)
    tx.nonce = try uint64(&r, "nonce")
    tx.gasPrice = try uint256(&r, "gasPrice")
    tx.maxFeePerGas = tx.gasPrice
    tx.maxPriorityFeePerGas = tx.gasPrice
    tx.gasLimit = try uint64(&r, "gasLimit")
    tx.to = try recipient(&r, type: .legacy)
    tx.value = try uint256(&r, "value")
    tx.data = Array(try byteString(&r, "data"))
    tx.v = try uint256(&r, "v")
    tx.r = try uint256(&r, "r")
    tx.s = try uint256(&r, "s")
    tx.chainId = legacyChainId(v: tx.v)
    return tx
  }

  private static func decodeTyped(_ type: TransactionType, _ r: inout RLPReader)
    throws(TransactionDecodingError) -> Transaction
  {
    let expected: Int
    switch type {
    case .legacy: expected = 9
    case .accessList: expected = 11
    case .dynamicFee: expected = 12
    case .blob: expected = 14
    case .setCode: expected = 13
    }
    try expectFieldCount(r, expected, type)
    var tx = Transaction(type: type)
    tx.chainId = try uint64(&r, "chainId")
    tx.nonce = try uint64(&r, "nonce")
    if type == .accessList {
      tx.gasPrice = try uint256(&r, "gasPrice")
      tx.maxFeePerGas = tx.gasPrice
      tx.maxPriorityFeePerGas = tx.gasPrice
    } else {
      tx.maxPriorityFeePerGas = try uint256(&r, "maxPriorityFeePerGas")
      tx.maxFeePerGas = try uint256(&r, "maxFeePerGas")
      tx.gasPrice = tx.maxFeePerGas
    }
    tx.gasLimit = try uint64(&r, "gasLimit")
    tx.to = try recipient(&r, type: type)
    tx.value = try uint256(&r, "value")
    tx.data = Array(try byteString(&r, "data"))
    tx.accessList = try accessList(&r)
    if type == .blob {
      tx.maxFeePerBlobGas = try uint256(&r, "maxFeePerBlobGas")
      var hashes = try list(&r, field: "blobVersionedHashes")
      while !hashes.isAtEnd {
        tx.blobVersionedHashes.append(try hash32(&hashes, "blobVersionedHashes"))
      }
    }
    if type == .setCode {
      var authorizations = try list(&r, field: "authorizationList")
      while !authorizations.isAtEnd {
        var fields = try list(&authorizations, field: "authorization")
        let count = try itemCount(fields)
        guard count == 6 else {
          throw .malformedRLP("authorization has \(count) fields, expected 6")
        }
        let chainId = try uint256(&fields, "authorization.chainId")
        let address = try address(&fields, "authorization.address")
        let nonce = try uint64(&fields, "authorization.nonce")
        let parity = try scalar(&fields, "authorization.yParity", maxBytes: 1)
        let sigR = try uint256(&fields, "authorization.r")
        let sigS = try uint256(&fields, "authorization.s")
        tx.authorizationList.append(
          Authorization(
            chainId: chainId, address: address, nonce: nonce, yParity: parity.first ?? 0,
            r: sigR, s: sigS))
      }
    }
    tx.v = try uint256(&r, "yParity")
    tx.r = try uint256(&r, "r")
    tx.s = try uint256(&r, "s")
    return tx
  }

  /// `(v − 35) / 2` when `v ≥ 35` and the result fits in 64 bits (EIP-155), else `nil`.
  static func legacyChainId(v: UInt256) -> UInt64? {
    guard v.w2 == 0, v.w3 == 0 else { return nil }
    // v < 2^128: compute in two limbs.
    if v.w1 == 0 {
      guard v.w0 >= 35 else { return nil }
      return (v.w0 - 35) / 2
    }
    let (low, borrow) = v.w0.subtractingReportingOverflow(35)
    let high = v.w1 - (borrow ? 1 : 0)
    guard high <= 1 else { return nil }
    return (high << 63) | (low >> 1)
  }

  // MARK: Field readers

  private static func rlp<T>(_ body: () throws(RLPError) -> T) throws(TransactionDecodingError)
    -> T
  {
    do { return try body() } catch { throw .malformedRLP(error.description) }
  }

  private static func list(_ r: inout RLPReader, field: String) throws(TransactionDecodingError)
    -> RLPReader
  {
    if !r.isAtEnd, !r.peekIsList { throw .expectedList(field: field) }
    return try rlp { () throws(RLPError) in try r.readList() }
  }

  private static func itemCount(_ r: RLPReader) throws(TransactionDecodingError) -> Int {
    var copy = r
    var count = 0
    while !copy.isAtEnd {
      try rlp { () throws(RLPError) in try copy.skipItem() }
      count += 1
    }
    return count
  }

  private static func expectFieldCount(_ r: RLPReader, _ expected: Int, _ type: TransactionType)
    throws(TransactionDecodingError)
  {
    let count = try itemCount(r)
    guard count == expected else {
      throw .wrongFieldCount(type, expected: expected, found: count)
    }
  }

  private static func byteString(_ r: inout RLPReader, _ field: String)
    throws(TransactionDecodingError) -> ArraySlice<UInt8>
  {
    if r.peekIsList { throw .expectedBytes(field: field) }
    return try rlp { () throws(RLPError) in try r.readBytes() }
  }

  /// A canonical big-endian integer of at most `maxBytes` bytes.
  private static func scalar(_ r: inout RLPReader, _ field: String, maxBytes: Int)
    throws(TransactionDecodingError) -> ArraySlice<UInt8>
  {
    let bytes = try byteString(&r, field)
    if bytes.first == 0 { throw .leadingZeros(field: field) }
    if bytes.count > maxBytes { throw .overflow(field: field, maxBytes: maxBytes) }
    return bytes
  }

  private static func uint64(_ r: inout RLPReader, _ field: String)
    throws(TransactionDecodingError) -> UInt64
  {
    var value: UInt64 = 0
    for byte in try scalar(&r, field, maxBytes: 8) { value = value << 8 | UInt64(byte) }
    return value
  }

  private static func uint256(_ r: inout RLPReader, _ field: String)
    throws(TransactionDecodingError) -> UInt256
  {
    UInt256(bigEndian: try scalar(&r, field, maxBytes: 32))
  }

  private static func address(_ r: inout RLPReader, _ field: String)
    throws(TransactionDecodingError) -> Address
  {
    let bytes = try byteString(&r, field)
    guard bytes.count == 20 else { throw .invalidAddress(field: field, length: bytes.count) }
    return Address(bytes: bytes)
  }

  private static func hash32(_ r: inout RLPReader, _ field: String)
    throws(TransactionDecodingError) -> Bytes32
  {
    let bytes = try byteString(&r, field)
    guard bytes.count == 32 else { throw .invalidHashLength(field: field, length: bytes.count) }
    return Bytes32(bytes: bytes)
  }

  private static func recipient(_ r: inout RLPReader, type: TransactionType)
    throws(TransactionDecodingError) -> Address?
  {
    let bytes = try byteString(&r, "to")
    if bytes.isEmpty {
      if type == .blob || type == .setCode { throw .contractCreationNotAllowed(type) }
      return nil
    }
    guard bytes.count == 20 else { throw .invalidAddress(field: "to", length: bytes.count) }
    return Address(bytes: bytes)
  }

  private static func accessList(_ r: inout RLPReader) throws(TransactionDecodingError)
    -> [AccessListEntry]
  {
    var entries = try list(&r, field: "accessList")
    var result: [AccessListEntry] = []
    while !entries.isAtEnd {
      var entry = try list(&entries, field: "accessList entry")
      let count = try itemCount(entry)
      guard count == 2 else {
        throw .malformedRLP("access list entry has \(count) fields, expected 2")
      }
      let account = try address(&entry, "accessList.address")
      var keys = try list(&entry, field: "accessList.storageKeys")
      var slots: [UInt256] = []
      while !keys.isAtEnd {
        slots.append(try hash32(&keys, "accessList.storageKey").word)
      }
      result.append(AccessListEntry(address: account, storageKeys: slots))
    }
    return result
  }
}

// MARK: - Encoding and hashes

extension Transaction {
  /// The canonical encoding: the legacy RLP list, or the type byte followed by
  /// the RLP list of the typed fields. `decode(encoded())` returns `self`.
  public func encoded() -> [UInt8] {
    var encoder = RLPEncoder()
    encoder.appendList { list in appendFields(to: &list, signed: true, legacyChainId: nil) }
    if type == .legacy { return encoder.bytes }
    return [type.rawValue] + encoder.bytes
  }

  /// The transaction hash: keccak256 of the canonical encoding.
  public var hash: Bytes32 {
    Keccak256.hash(encoded())
  }

  /// The hash the sender signed.
  ///
  /// Legacy transactions with `chainId == nil` use the original pre-EIP-155
  /// form `keccak(rlp([nonce, gasPrice, gas, to, value, data]))`; with a chain
  /// id, EIP-155's `keccak(rlp([…, chainId, 0, 0]))`. Typed transactions use
  /// `keccak(type ‖ rlp(fields without the signature))`.
  public func signingHash() -> Bytes32 {
    signingHash(legacyChainId: chainId)
  }

  /// The signing hash, with the chain id of a legacy transaction given
  /// explicitly (`nil`: pre-EIP-155). Typed transactions ignore the argument.
  public func signingHash(legacyChainId: UInt64?) -> Bytes32 {
    var encoder = RLPEncoder()
    encoder.appendList { list in
      appendFields(to: &list, signed: false, legacyChainId: legacyChainId)
    }
    if type == .legacy { return Keccak256.hash(encoder.bytes) }
    return Keccak256.hash([type.rawValue] + encoder.bytes)
  }

  /// Appends the list items (not the list header) of this transaction.
  private func appendFields(to list: inout RLPEncoder, signed: Bool, legacyChainId: UInt64?) {
    if type != .legacy { list.append(chainId ?? 0) }
    list.append(nonce)
    if type == .legacy || type == .accessList {
      list.append(gasPrice)
    } else {
      list.append(maxPriorityFeePerGas)
      list.append(maxFeePerGas)
    }
    list.append(gasLimit)
    if let to { list.append(to) } else { list.append(bytes: EmptyCollection<UInt8>()) }
    list.append(value)
    list.append(bytes: data)
    if type != .legacy {
      list.appendList { entries in
        for entry in accessList {
          entries.appendList { item in
            item.append(entry.address)
            item.appendList { keys in
              for key in entry.storageKeys { keys.append(Bytes32(word: key)) }
            }
          }
        }
      }
    }
    if type == .blob {
      list.append(maxFeePerBlobGas)
      list.appendList { hashes in
        for hash in blobVersionedHashes { hashes.append(hash) }
      }
    }
    if type == .setCode {
      list.appendList { authorizations in
        for auth in authorizationList {
          authorizations.appendList { item in
            item.append(auth.chainId)
            item.append(auth.address)
            item.append(auth.nonce)
            item.append(UInt64(auth.yParity))
            item.append(auth.r)
            item.append(auth.s)
          }
        }
      }
    }
    if signed {
      list.append(v)
      list.append(r)
      list.append(s)
    } else if type == .legacy, let legacyChainId {
      list.append(legacyChainId)
      list.append(UInt64(0))
      list.append(UInt64(0))
    }
  }
}

// MARK: - Block bodies

extension Transaction {
  /// Reads one transaction as it appears in a block body's transaction list:
  /// a legacy transaction is the RLP list itself, a typed one is an RLP byte
  /// string holding its canonical form (EIP-2718).
  public static func decode(blockBodyItem reader: inout RLPReader)
    throws(TransactionDecodingError) -> Transaction
  {
    if reader.peekIsList {
      let raw = try rlp { () throws(RLPError) in try reader.readRawItem() }
      return try decode(raw)
    }
    let payload = try rlp { () throws(RLPError) in try reader.readBytes() }
    guard let first = payload.first else { throw .empty }
    // A typed envelope starts with its type byte; a wrapped list is not allowed.
    guard first < 0x80 else { throw .unsupportedType(first) }
    return try decode(payload)
  }

  /// Appends this transaction as it appears in a block body: the legacy list
  /// itself, or a typed transaction's canonical form as an RLP byte string.
  public func append(to encoder: inout RLPEncoder) {
    if type == .legacy {
      encoder.appendRaw(encoded())
    } else {
      encoder.append(bytes: encoded())
    }
  }
}
