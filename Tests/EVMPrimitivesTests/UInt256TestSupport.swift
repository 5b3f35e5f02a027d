import BigInt
import EVMPrimitives
import Foundation
import Testing

/// SplitMix64: a tiny, fast, seedable generator so that property-test failures reproduce.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// The BigInt oracle: exact arithmetic, reduced modulo 2^256 where the EVM wraps.
enum Oracle {
  static let modulus = BigUInt(1) << 256
  static let mask = modulus - 1
  static let signBit = BigUInt(1) << 255

  static func big(_ x: UInt256) -> BigUInt {
    BigUInt(words: [UInt(x.w0), UInt(x.w1), UInt(x.w2), UInt(x.w3)])
  }

  /// `x mod 2^256` as a word.
  static func word(_ x: BigUInt) -> UInt256 {
    let reduced = x & mask
    var limbs: [UInt64] = [0, 0, 0, 0]
    for (i, w) in reduced.words.enumerated() where i < 4 { limbs[i] = UInt64(w) }
    return UInt256(w0: limbs[0], w1: limbs[1], w2: limbs[2], w3: limbs[3])
  }

  /// The two's complement reading of a word.
  static func signed(_ x: UInt256) -> BigInt {
    let b = big(x)
    return b >= signBit ? BigInt(b) - BigInt(modulus) : BigInt(b)
  }

  /// A signed value reduced modulo 2^256 into a word.
  static func word(signed x: BigInt) -> UInt256 {
    let m = BigInt(modulus)
    var r = x % m
    if r < 0 { r += m }
    return word(r.magnitude)
  }
}

/// Counts checks and records the first few failures with the seed and operands.
struct PropertyChecker {
  let seed: UInt64
  private(set) var checks = 0
  private(set) var failures = 0

  init(seed: UInt64) { self.seed = seed }

  mutating func check(
    _ ok: Bool, _ what: @autoclosure () -> String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    checks += 1
    guard !ok else { return }
    failures += 1
    if failures <= 8 {
      Issue.record(
        Comment(rawValue: "seed 0x\(String(seed, radix: 16)): \(what())"),
        sourceLocation: sourceLocation)
    }
  }

  /// Final assertion: something was checked and nothing failed.
  func finish(sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(checks > 0, sourceLocation: sourceLocation)
    #expect(
      failures == 0,
      "\(failures) of \(checks) checks failed; seed 0x\(String(seed, radix: 16)) (set UINT256_SEED to reproduce)",
      sourceLocation: sourceLocation)
  }
}

/// Operand generation biased towards the edge cases of multi-limb arithmetic.
enum Operands {
  /// The seed: `UINT256_SEED` (decimal or 0x-hex) when set, else a fixed default.
  static let seed: UInt64 = {
    if let text = ProcessInfo.processInfo.environment["UINT256_SEED"] {
      if text.hasPrefix("0x"), let v = UInt64(text.dropFirst(2), radix: 16) { return v }
      if let v = UInt64(text) { return v }
    }
    return 0x5EED_0256_C0FF_EE01
  }()

  static let half: UInt64 = 1 << 63

  static let specials: [UInt256] = [
    .zero, .one, UInt256(2), UInt256(3),
    UInt256(UInt64.max), UInt256(w0: 0, w1: 1, w2: 0, w3: 0), UInt256(w0: 1, w1: 1, w2: 0, w3: 0),
    UInt256(w0: .max, w1: .max, w2: 0, w3: 0), UInt256(w0: 0, w1: 0, w2: 1, w3: 0),
    UInt256(w0: 0, w1: 0, w2: 0, w3: 1), UInt256(w0: 0, w1: 0, w2: 0, w3: half),
    UInt256(w0: .max, w1: .max, w2: .max, w3: half - 1), UInt256(w0: 1, w1: 0, w2: 0, w3: half),
    .max, UInt256(w0: .max - 1, w1: .max, w2: .max, w3: .max),
    UInt256(w0: 0, w1: half, w2: 0, w3: 0), UInt256(w0: 0, w1: 0, w2: half, w3: 0),
    UInt256(w0: .max, w1: 0, w2: .max, w3: 0), UInt256(255), UInt256(256), UInt256(31), UInt256(32),
  ]

  static let limbPatterns: [UInt64] = [
    0, 1, 2, .max, .max - 1, half, half - 1, half + 1, 0xFFFF_FFFF,
  ]

  static func value(_ rng: inout SplitMix64) -> UInt256 {
    switch rng.next() % 10 {
    case 0:
      return specials[Int(rng.next() % UInt64(specials.count))]
    case 1:
      return UInt256(rng.next())
    case 2:
      return UInt256(w0: rng.next(), w1: rng.next(), w2: 0, w3: 0)
    case 3:
      return UInt256(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: 0)
    case 4, 5:
      return UInt256(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next())
    case 6:
      // Limbs drawn from carry/borrow-prone patterns, random top limb count.
      var limbs: [UInt64] = (0..<4).map { _ in
        rng.next() % 3 == 0
          ? rng.next() : limbPatterns[Int(rng.next() % UInt64(limbPatterns.count))]
      }
      for i in Int(rng.next() % 4)..<3 where rng.next() % 2 == 0 { limbs[i + 1] = 0 }
      return UInt256(w0: limbs[0], w1: limbs[1], w2: limbs[2], w3: limbs[3])
    case 7:
      // 2^k, 2^k - 1 or 2^k + 1.
      let k = Int(rng.next() % 256)
      let p = UInt256.one << k
      switch rng.next() % 3 {
      case 0: return p
      case 1: return p &- .one
      default: return p &+ .one
      }
    case 8:
      return UInt256(rng.next() % 300)
    default:
      // Small negatives (near 2^256).
      return UInt256.zero &- UInt256(rng.next() % 1000)
    }
  }

  /// `count` operand triples from the shared seed.
  static func triples(_ count: Int, salt: UInt64) -> [(UInt256, UInt256, UInt256)] {
    var rng = SplitMix64(seed: seed ^ salt)
    return (0..<count).map { _ in (value(&rng), value(&rng), value(&rng)) }
  }
}
