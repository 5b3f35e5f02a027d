import EVM
import EVMPrimitives
import Transactions

/// A 2048-bit logs bloom: its 256 bytes in order, held inline in four
/// 64-byte vectors (no allocation; union and comparison are a few vector
/// operations, setting a bit is one byte operation).
///
/// Bit `b` (0…2047, as the Yellow Paper numbers them from the low end of
/// the 256-byte big-endian string) lives in byte `255 - b / 8`.
public struct Bloom: Equatable, Sendable {
  @usableFromInline var chunks = (
    SIMD64<UInt8>(), SIMD64<UInt8>(), SIMD64<UInt8>(), SIMD64<UInt8>()
  )

  public init() {}

  /// The bloom of the 256 bytes `bytes` (`nil` for another length).
  public init?(bytes: some Collection<UInt8>) {
    guard bytes.count == 256 else { return nil }
    withUnsafeMutableBytes(of: &chunks) { raw in
      for (i, byte) in bytes.enumerated() { raw[i] = byte }
    }
  }

  public init?(hex: String) {
    guard let bytes = Hex.decode(hex) else { return nil }
    self.init(bytes: bytes)
  }

  /// The 256 bytes.
  public var bytes: [UInt8] {
    withUnsafeBytes(of: chunks) { Array($0) }
  }

  /// Adds the three bits of keccak256(`data`).
  public mutating func add<C: Collection>(_ data: C) where C.Element == UInt8 {
    add(bits: Self.bits(of: Keccak256.hash(data)))
  }

  /// The three bit numbers taken from the first six bytes of `hash`, packed
  /// in 16-bit fields.
  @inline(__always)
  static func bits(of hash: Bytes32) -> UInt64 {
    (hash.b0 >> 16) & 0x07ff_07ff_07ff
  }

  /// Sets the three bits packed by `bits(of:)`.
  @inline(__always)
  mutating func add(bits: UInt64) {
    setBit(Int(truncatingIfNeeded: bits >> 32) & 0x7ff)
    setBit(Int(truncatingIfNeeded: bits >> 16) & 0x7ff)
    setBit(Int(truncatingIfNeeded: bits) & 0x7ff)
  }

  @inline(__always)
  mutating func setBit(_ bit: Int) {
    withUnsafeMutableBytes(of: &chunks) { raw in
      raw[255 - bit >> 3] |= UInt8(1) << UInt8(bit & 7)
    }
  }

  /// Adds the log's address and topics.
  public mutating func add(_ log: Log) {
    add(bits: Self.bits(of: Keccak256.hash(address: log.address)))
    for topic in log.topics { add(bits: Self.bits(of: Keccak256.hash(topic))) }
  }

  /// Adds the log's address and topics, hashing through `cache`.
  public mutating func add(_ log: Log, cache: inout BloomCache) {
    add(bits: cache.bits(address: log.address))
    for topic in log.topics { add(bits: cache.bits(topic: topic)) }
  }

  /// The bloom of `logs`, hashing through `cache` when given.
  public init(logs: [Log], cache: inout BloomCache) {
    for log in logs { add(log, cache: &cache) }
  }

  /// The bloom of part of a receipt's logs, hashing through `cache`.
  public init(logs: ArraySlice<Log>, cache: inout BloomCache) {
    for log in logs { add(log, cache: &cache) }
  }

  /// The bloom of `logs`.
  public init(logs: [Log]) {
    for log in logs { add(log) }
  }

  /// Appends the 256 bytes as an RLP string.
  public func append(to encoder: inout RLPEncoder) {
    withUnsafeBytes(of: chunks) { encoder.append(bytes: $0) }
  }

  @inlinable
  public mutating func formUnion(_ other: Bloom) {
    withUnsafeMutableBytes(of: &chunks) { mine in
      withUnsafeBytes(of: other.chunks) { theirs in
        let a = mine.bindMemory(to: UInt64.self)
        let b = theirs.bindMemory(to: UInt64.self)
        for i in 0..<32 { a[i] |= b[i] }
      }
    }
  }

  @inlinable
  public static func == (a: Bloom, b: Bloom) -> Bool {
    withUnsafeBytes(of: a.chunks) { x in
      withUnsafeBytes(of: b.chunks) { y in
        let p = x.bindMemory(to: UInt64.self)
        let q = y.bindMemory(to: UInt64.self)
        var difference: UInt64 = 0
        for i in 0..<32 { difference |= p[i] ^ q[i] }
        return difference == 0
      }
    }
  }

  public var hex: String { Hex.encode(bytes) }
}

/// Remembers the bloom bits of recently seen log addresses and topics: a
/// block's logs repeat a few of them (token contracts, the ERC-20 Transfer
/// topic), and each costs a Keccak-256 otherwise. Direct-mapped, 256
/// entries; one per thread (not shared).
public struct BloomCache {
  var topics = [(Bytes32, UInt64)](repeating: (Bytes32.zero, 0), count: 256)
  var addresses = [(Address, UInt64)](repeating: (Address.zero, 0), count: 256)

  public init() {}

  @inline(__always)
  mutating func bits(topic: Bytes32) -> UInt64 {
    let slot = Int(truncatingIfNeeded: topic.b0 ^ topic.b3) & 255
    let entry = topics[slot]
    if entry.1 != 0 && entry.0 == topic { return entry.1 }
    // Bit 63 marks the entry used (the packed bits never reach it).
    let bits = Bloom.bits(of: Keccak256.hash(topic)) | (1 << 63)
    topics[slot] = (topic, bits)
    return bits
  }

  @inline(__always)
  mutating func bits(address: Address) -> UInt64 {
    let slot = Int(truncatingIfNeeded: address.high ^ address.middle) & 255
    let entry = addresses[slot]
    if entry.1 != 0 && entry.0 == address { return entry.1 }
    let bits = Bloom.bits(of: Keccak256.hash(address: address)) | (1 << 63)
    addresses[slot] = (address, bits)
    return bits
  }
}

/// A transaction receipt.
public struct Receipt: Sendable {
  public var type: TransactionType
  /// Byzantium on: success. Before: `postState` holds the intermediate root.
  public var succeeded: Bool
  public var postState: Bytes32?
  public var cumulativeGasUsed: UInt64
  public var logs: [Log]
  public var bloom: Bloom

  /// A receipt whose bloom is computed from `logs`.
  public init(
    type: TransactionType, succeeded: Bool, postState: Bytes32?, cumulativeGasUsed: UInt64,
    logs: [Log]
  ) {
    self.init(
      type: type, succeeded: succeeded, postState: postState, cumulativeGasUsed: cumulativeGasUsed,
      logs: logs, bloom: Bloom(logs: logs))
  }

  /// A receipt with its bloom computed beforehand (`Bloom(logs:)`).
  public init(
    type: TransactionType, succeeded: Bool, postState: Bytes32?, cumulativeGasUsed: UInt64,
    logs: [Log], bloom: Bloom
  ) {
    self.type = type
    self.succeeded = succeeded
    self.postState = postState
    self.cumulativeGasUsed = cumulativeGasUsed
    self.logs = logs
    self.bloom = bloom
  }

  /// The EIP-2718 encoding: `type ‖ rlp(...)` for typed receipts. Sizes are
  /// computed first, so the buffer is allocated once and no list header is
  /// widened in place (a receipt can hold thousands of logs).
  public var encoded: [UInt8] {
    var logsPayload = 0
    for log in logs { logsPayload += Self.encodedSize(log) }
    let statusSize = postState != nil ? 33 : 1
    let payload =
      statusSize + RLPEncoder.integerSize(cumulativeGasUsed) + 3 + 256
      + RLPEncoder.headerSize(payloadLength: logsPayload) + logsPayload
    var encoder = RLPEncoder(
      reservingCapacity: 1 + RLPEncoder.headerSize(payloadLength: payload) + payload)
    if type != .legacy { encoder.appendRaw(CollectionOfOne(type.rawValue)) }
    encoder.appendListHeader(payloadLength: payload)
    if let postState {
      encoder.append(postState)
    } else {
      encoder.append(succeeded ? UInt64(1) : UInt64(0))
    }
    encoder.append(cumulativeGasUsed)
    bloom.append(to: &encoder)
    encoder.appendListHeader(payloadLength: logsPayload)
    for log in logs { Self.appendLog(log, to: &encoder) }
    return encoder.bytes
  }

  /// The size of a log's item inside the payload of its list.
  static func logPayloadSize(_ log: Log) -> Int {
    let topics = 33 * log.topics.count
    return 21 + RLPEncoder.headerSize(payloadLength: topics) + topics
      + RLPEncoder.stringSize(count: log.data.count, first: log.data.first)
  }

  /// The encoded size of RLP([address, [topics], data]).
  static func encodedSize(_ log: Log) -> Int {
    let payload = logPayloadSize(log)
    return RLPEncoder.headerSize(payloadLength: payload) + payload
  }

  /// RLP([address, [topics], data]).
  public static func appendLog(_ log: Log, to encoder: inout RLPEncoder) {
    encoder.appendListHeader(payloadLength: logPayloadSize(log))
    encoder.append(log.address)
    encoder.appendListHeader(payloadLength: 33 * log.topics.count)
    for topic in log.topics { encoder.append(topic) }
    encoder.append(bytes: log.data)
  }

  /// keccak256(rlp(logs)): the state tests' logs hash.
  public static func logsHash(_ logs: [Log]) -> Bytes32 {
    var encoder = RLPEncoder()
    encoder.appendList { list in
      for log in logs { appendLog(log, to: &list) }
    }
    return Keccak256.hash(encoder.bytes)
  }
}
