import EVM
import EVMPrimitives

/// A block header with every field up to Prague. The fork-specific trailing
/// fields are optional: which of them are present follows from the number of
/// fields in the encoding (15 before London, 16 from London, 17 from
/// Shanghai, 20 from Cancun, 21 from Prague), and `BlockValidation` checks
/// that the shape matches the block's fork.
public struct BlockHeader: Sendable, Equatable {
  /// The parent block's hash.
  public var parentHash: Bytes32
  /// keccak256 of the RLP list of ommer headers.
  public var ommersHash: Bytes32
  /// The fee recipient.
  public var coinbase: Address
  /// The state root after the block.
  public var stateRoot: Bytes32
  /// The root of the transactions trie.
  public var transactionsRoot: Bytes32
  /// The root of the receipts trie.
  public var receiptsRoot: Bytes32
  /// The union of the receipts' blooms.
  public var logsBloom: Bloom
  /// The proof-of-work difficulty (zero from the Merge).
  public var difficulty: UInt256
  /// The block number.
  public var number: UInt64
  /// The block gas limit.
  public var gasLimit: UInt64
  /// The gas used by the transactions.
  public var gasUsed: UInt64
  /// Seconds since the epoch.
  public var timestamp: UInt64
  /// Arbitrary data, at most 32 bytes.
  public var extraData: [UInt8]
  /// `mixHash` before the Merge, `prevRandao` after.
  public var mixHash: Bytes32
  /// The 8-byte proof-of-work nonce.
  public var nonce: [UInt8]
  /// EIP-1559 (London).
  public var baseFee: UInt256?
  /// EIP-4895 (Shanghai).
  public var withdrawalsRoot: Bytes32?
  /// EIP-4844 (Cancun).
  public var blobGasUsed: UInt64?
  /// EIP-4844 (Cancun).
  public var excessBlobGas: UInt64?
  /// EIP-4788 (Cancun).
  public var parentBeaconBlockRoot: Bytes32?
  /// EIP-7685 (Prague).
  public var requestsHash: Bytes32?

  /// A header from its fields; the optional ones default to absent.
  public init(
    parentHash: Bytes32 = .zero, ommersHash: Bytes32 = BlockHeader.emptyOmmersHash,
    coinbase: Address = .zero, stateRoot: Bytes32 = MerklePatriciaTrie.emptyRoot,
    transactionsRoot: Bytes32 = MerklePatriciaTrie.emptyRoot,
    receiptsRoot: Bytes32 = MerklePatriciaTrie.emptyRoot, logsBloom: Bloom = Bloom(),
    difficulty: UInt256 = .zero, number: UInt64 = 0, gasLimit: UInt64 = 30_000_000,
    gasUsed: UInt64 = 0, timestamp: UInt64 = 0, extraData: [UInt8] = [], mixHash: Bytes32 = .zero,
    nonce: [UInt8] = [UInt8](repeating: 0, count: 8), baseFee: UInt256? = nil,
    withdrawalsRoot: Bytes32? = nil, blobGasUsed: UInt64? = nil, excessBlobGas: UInt64? = nil,
    parentBeaconBlockRoot: Bytes32? = nil, requestsHash: Bytes32? = nil
  ) {
    self.parentHash = parentHash
    self.ommersHash = ommersHash
    self.coinbase = coinbase
    self.stateRoot = stateRoot
    self.transactionsRoot = transactionsRoot
    self.receiptsRoot = receiptsRoot
    self.logsBloom = logsBloom
    self.difficulty = difficulty
    self.number = number
    self.gasLimit = gasLimit
    self.gasUsed = gasUsed
    self.timestamp = timestamp
    self.extraData = extraData
    self.mixHash = mixHash
    self.nonce = nonce
    self.baseFee = baseFee
    self.withdrawalsRoot = withdrawalsRoot
    self.blobGasUsed = blobGasUsed
    self.excessBlobGas = excessBlobGas
    self.parentBeaconBlockRoot = parentBeaconBlockRoot
    self.requestsHash = requestsHash
  }

  /// keccak256(rlp([])): the ommers hash of a block without ommers.
  public static let emptyOmmersHash = Keccak256.hash([0xc0] as [UInt8])

  /// The number of fields in the encoding.
  public var fieldCount: Int {
    if requestsHash != nil { return 21 }
    if parentBeaconBlockRoot != nil { return 20 }
    if withdrawalsRoot != nil { return 17 }
    if baseFee != nil { return 16 }
    return 15
  }

  /// The number of header fields a block of `fork` has.
  public static func fieldCount(for fork: Fork) -> Int {
    if fork >= .prague { return 21 }
    if fork >= .cancun { return 20 }
    if fork >= .shanghai { return 17 }
    if fork >= .london { return 16 }
    return 15
  }

  /// Decodes a header from the RLP list at the reader's position. Every
  /// field must be canonical and of its exact width (hashes 32 bytes, the
  /// coinbase 20, the bloom 256, the nonce 8); the integers bounded by 64
  /// bits in practice (number, gas limit, gas used, timestamp, blob gas) must
  /// fit in 64 bits.
  public init(reading reader: inout RLPReader) throws(BlockDecodingError) {
    var fields = try BlockDecodingError.wrap("header") { () throws(RLPError) in
      try reader.readList()
    }
    func field<T>(_ name: String, _ read: (inout RLPReader) throws(RLPError) -> T)
      throws(BlockDecodingError)
      -> T
    {
      do {
        return try read(&fields)
      } catch {
        throw .field(name, error)
      }
    }
    parentHash = try field("parentHash") { r throws(RLPError) in try r.readBytes32() }
    ommersHash = try field("ommersHash") { r throws(RLPError) in try r.readBytes32() }
    coinbase = try field("coinbase") { r throws(RLPError) in try r.readAddress() }
    stateRoot = try field("stateRoot") { r throws(RLPError) in try r.readBytes32() }
    transactionsRoot = try field("transactionsRoot") { r throws(RLPError) in try r.readBytes32() }
    receiptsRoot = try field("receiptsRoot") { r throws(RLPError) in try r.readBytes32() }
    let bloom = try field("logsBloom") { r throws(RLPError) in Array(try r.readBytes()) }
    guard bloom.count == 256 else {
      throw .field("logsBloom", .wrongLength(expected: 256, actual: bloom.count))
    }
    self.logsBloom = Bloom(bytes: bloom)!
    difficulty = try field("difficulty") { r throws(RLPError) in try r.readUInt256() }
    number = try field("number") { r throws(RLPError) in try r.readUInt64() }
    gasLimit = try field("gasLimit") { r throws(RLPError) in try r.readUInt64() }
    gasUsed = try field("gasUsed") { r throws(RLPError) in try r.readUInt64() }
    timestamp = try field("timestamp") { r throws(RLPError) in try r.readUInt64() }
    extraData = try field("extraData") { r throws(RLPError) in Array(try r.readBytes()) }
    mixHash = try field("mixHash") { r throws(RLPError) in try r.readBytes32() }
    nonce = try field("nonce") { r throws(RLPError) in Array(try r.readBytes()) }
    guard nonce.count == 8 else {
      throw .field("nonce", .wrongLength(expected: 8, actual: nonce.count))
    }
    if !fields.isAtEnd {
      baseFee = try field("baseFeePerGas") { r throws(RLPError) in try r.readUInt256() }
    }
    if !fields.isAtEnd {
      withdrawalsRoot = try field("withdrawalsRoot") { r throws(RLPError) in try r.readBytes32() }
    }
    if !fields.isAtEnd {
      blobGasUsed = try field("blobGasUsed") { r throws(RLPError) in try r.readUInt64() }
      excessBlobGas = try field("excessBlobGas") { r throws(RLPError) in try r.readUInt64() }
      parentBeaconBlockRoot = try field("parentBeaconBlockRoot") { r throws(RLPError) in
        try r.readBytes32()
      }
    }
    if !fields.isAtEnd {
      requestsHash = try field("requestsHash") { r throws(RLPError) in try r.readBytes32() }
    }
    guard fields.isAtEnd else { throw .shape("header has more than 21 fields") }
  }

  /// Decodes a header from its complete RLP encoding.
  public init(rlp bytes: [UInt8]) throws(BlockDecodingError) {
    var reader = RLPReader(bytes)
    try self.init(reading: &reader)
    guard reader.isAtEnd else { throw .shape("trailing bytes after the header") }
  }

  /// The RLP encoding, with the optional fields that are present.
  public var encoded: [UInt8] {
    var encoder = RLPEncoder()
    encoder.appendList { list in
      list.append(parentHash)
      list.append(ommersHash)
      list.append(coinbase)
      list.append(stateRoot)
      list.append(transactionsRoot)
      list.append(receiptsRoot)
      list.append(bytes: logsBloom.bytes)
      list.append(difficulty)
      list.append(number)
      list.append(gasLimit)
      list.append(gasUsed)
      list.append(timestamp)
      list.append(bytes: extraData)
      list.append(mixHash)
      list.append(bytes: nonce)
      let count = fieldCount
      if count >= 16 { list.append(baseFee ?? .zero) }
      if count >= 17 { list.append(withdrawalsRoot ?? .zero) }
      if count >= 20 {
        list.append(blobGasUsed ?? 0)
        list.append(excessBlobGas ?? 0)
        list.append(parentBeaconBlockRoot ?? .zero)
      }
      if count >= 21 { list.append(requestsHash ?? .zero) }
    }
    return encoder.bytes
  }

  /// The block hash: keccak256 of the RLP encoding.
  public var hash: Bytes32 { Keccak256.hash(encoded) }

  /// The environment the block's transactions execute in.
  public func environment(fork: Fork, chainId: UInt64) -> BlockEnvironment {
    let excess = fork >= .cancun ? (excessBlobGas ?? 0) : 0
    return BlockEnvironment(
      fork: fork, chainId: chainId, coinbase: coinbase, number: number, timestamp: timestamp,
      gasLimit: gasLimit, difficulty: fork >= .paris ? .zero : difficulty,
      prevRandao: fork >= .paris ? mixHash : .zero, baseFee: baseFee ?? .zero,
      excessBlobGas: excess,
      blobBaseFee: fork >= .cancun ? BlobGas.price(excessBlobGas: excess, fork: fork) : .zero)
  }
}
