import EVMCrypto
import EVMPrimitives

/// SplitMix64: a tiny, fast, portable pseudo-random generator. The workload
/// generator uses it (never the system generator) so that a seed gives the
/// same block on every machine and Swift version.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  /// A generator whose sequence is determined by `seed`.
  public init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    var z = state
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }

  /// A uniform value in `range` (by rejection, so the same on every platform).
  public mutating func next(in range: ClosedRange<UInt64>) -> UInt64 {
    let span = range.upperBound &- range.lowerBound
    if span == .max { return next() }
    let bound = span + 1
    let limit = UInt64.max - UInt64.max % bound
    while true {
      let x = next()
      if x < limit { return range.lowerBound + x % bound }
    }
  }

  /// True with probability `percent`/100.
  public mutating func chance(_ percent: UInt64) -> Bool { next(in: 0...99) < percent }

  /// `count` random bytes.
  public mutating func bytes(_ count: Int) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(count + 8)
    while out.count < count {
      let x = next()
      for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: x >> (8 * UInt64(i)))) }
    }
    return Array(out.prefix(count))
  }
}

/// The secp256k1 keys of the generated senders: key `i` for seed `s` is
/// `keccak256("pevm-generate-key" ‖ s ‖ i)` (s and i as 8-byte big-endian),
/// re-hashed in the negligible case that it is not a valid secret key.
public enum WorkloadKeys {
  /// The secret key and address of sender `index` under `seed`.
  public static func key(seed: UInt64, index: UInt64) -> (secretKey: [UInt8], address: Address) {
    var material = Array("pevm-generate-key".utf8) + bigEndian(seed) + bigEndian(index)
    while true {
      let candidate = Keccak256.hash(material).bytes
      if let address = Secp256k1.address(privateKey: candidate) { return (candidate, address) }
      material = candidate
    }
  }

  static func bigEndian(_ x: UInt64) -> [UInt8] {
    (0..<8).map { UInt8(truncatingIfNeeded: x >> (56 - 8 * UInt64($0))) }
  }
}
