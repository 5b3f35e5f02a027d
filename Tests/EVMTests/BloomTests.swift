import EVM
import EVMPrimitives
import Execution
import Testing
import Transactions

/// The logs bloom: bit layout against the Yellow Paper's definition, and the
/// hashing cache against direct hashing.
@Suite struct BloomTests {
  /// M3:2048 by hand: for each of the first three byte pairs of the hash,
  /// the low 11 bits pick a bit, counted from the end of the 256 bytes.
  static func reference(_ items: [[UInt8]]) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: 256)
    for item in items {
      let hash = Keccak256.hash(item).bytes
      for pair in 0..<3 {
        let bit = (Int(hash[2 * pair]) << 8 | Int(hash[2 * pair + 1])) & 2047
        bytes[255 - bit / 8] |= 1 << (bit % 8)
      }
    }
    return bytes
  }

  static func logs(count: Int, seed: UInt64) -> [Log] {
    var x = seed
    func next() -> UInt64 {
      x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return x
    }
    // Few distinct addresses and topics, so the cache both hits and collides.
    return (0..<count).map { _ in
      Log(
        address: Address(high: next() % 5, middle: 0, low: 0),
        topics: (0..<Int(next() % 4)).map { _ in
          Bytes32(b0: next() % 7, b1: 0, b2: 0, b3: next() % 300)
        }, data: [])
    }
  }

  @Test func bitsMatchTheDefinition() {
    let logs = Self.logs(count: 40, seed: 1)
    var items: [[UInt8]] = []
    for log in logs {
      items.append(log.address.bytes)
      items.append(contentsOf: log.topics.map(\.bytes))
    }
    #expect(Bloom(logs: logs).bytes == Self.reference(items))
  }

  @Test func cachedHashingGivesTheSameBloom() {
    var cache = BloomCache()
    for seed in 0..<50 as Range<UInt64> {
      let logs = Self.logs(count: Int(seed % 9), seed: seed)
      #expect(Bloom(logs: logs, cache: &cache) == Bloom(logs: logs), "seed \(seed)")
    }
  }

  @Test func bytesRoundTrip() {
    let bloom = Bloom(logs: Self.logs(count: 12, seed: 3))
    #expect(Bloom(bytes: bloom.bytes) == bloom)
    #expect(Bloom(hex: bloom.hex) == bloom)
    #expect(Bloom(bytes: [UInt8](repeating: 0, count: 255)) == nil)
  }
}

/// The receipt encoding (sizes computed first) against the generic RLP tree.
@Suite struct ReceiptEncodingTests {
  static func item(_ receipt: Receipt) -> [UInt8] {
    let logs = receipt.logs.map { log in
      RLP.Item.list([
        .bytes(log.address.bytes), .list(log.topics.map { .bytes($0.bytes) }), .bytes(log.data),
      ])
    }
    var fields: [RLP.Item] = []
    if let root = receipt.postState {
      fields.append(.bytes(root.bytes))
    } else {
      fields.append(.bytes(receipt.succeeded ? [1] : []))
    }
    var gas = receipt.cumulativeGasUsed
    var gasBytes: [UInt8] = []
    while gas > 0 {
      gasBytes.insert(UInt8(gas & 0xff), at: 0)
      gas >>= 8
    }
    fields.append(.bytes(gasBytes))
    fields.append(.bytes(receipt.bloom.bytes))
    fields.append(.list(logs))
    let body = RLP.encode(.list(fields))
    return receipt.type == .legacy ? body : [receipt.type.rawValue] + body
  }

  @Test func encodingMatchesTheGenericEncoder() {
    for count in [0, 1, 2, 3, 40] {
      let logs = BloomTests.logs(count: count, seed: UInt64(count)).enumerated().map {
        Log(
          address: $0.element.address, topics: $0.element.topics,
          data: (0..<($0.offset * 13 % 70)).map { UInt8(truncatingIfNeeded: $0) })
      }
      for type in [TransactionType.legacy, .dynamicFee] {
        for gas in [0, 1, 127, 128, 30_000_000] as [UInt64] {
          let receipt = Receipt(
            type: type, succeeded: gas % 2 == 0, postState: nil, cumulativeGasUsed: gas, logs: logs)
          #expect(receipt.encoded == Self.item(receipt), "\(count) logs, gas \(gas)")
        }
      }
      let old = Receipt(
        type: .legacy, succeeded: true, postState: Bytes32(b0: 1, b1: 2, b2: 3, b3: 4),
        cumulativeGasUsed: 21_000, logs: logs)
      #expect(old.encoded == Self.item(old))
    }
  }
}
