import EVM
import EVMPrimitives
import Execution
import Testing

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
