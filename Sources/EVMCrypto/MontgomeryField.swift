// One prime-field implementation for every curve: elements in Montgomery
// form on a fixed number of 64-bit limbs, generic over the modulus. The
// arithmetic is written as loops over the limbs; specialised for a concrete
// modulus the limb count is a constant, so the optimiser unrolls what pays
// and keeps the code (and the compile time) small.

/// The operations the curve code needs from a field (Fp for G1, Fp2 for G2).
protocol FieldArithmetic: Equatable, Sendable {
  static var zero: Self { get }
  static var one: Self { get }
  var isZero: Bool { get }
  static func + (a: Self, b: Self) -> Self
  static func - (a: Self, b: Self) -> Self
  static func * (a: Self, b: Self) -> Self
  static prefix func - (a: Self) -> Self
  func squared() -> Self
  func doubled() -> Self
  func inverse() -> Self
}

/// Fixed-size limb storage, least significant limb first.
protocol LimbStorage: Sendable {
  static var count: Int { get }
  init(repeating value: UInt64)
  subscript(_ i: Int) -> UInt64 { get set }
}

/// `n` limbs stored inline.
struct Limbs<let n: Int>: LimbStorage {
  var storage: InlineArray<n, UInt64>

  @inline(__always)
  static var count: Int { n }

  @inline(__always)
  init(repeating value: UInt64) { storage = InlineArray(repeating: value) }

  @inline(__always)
  init(_ storage: InlineArray<n, UInt64>) { self.storage = storage }

  @inline(__always)
  subscript(_ i: Int) -> UInt64 {
    get { storage[i] }
    set { storage[i] = newValue }
  }
}

/// The constants of a prime field p in Montgomery form with R = 2^(64 n).
///
/// Invariant: p < R / 4, so sums of two elements, and products of such sums
/// in ``MontgomeryField/montgomeryMultiply(_:_:)``, need no extra limb
/// (both BN254, p < 2^254, and BLS12-381, p < 2^381, leave the room).
protocol MontgomeryModulus {
  associatedtype LimbArray: LimbStorage
  /// p.
  static var modulus: LimbArray { get }
  /// -p^-1 mod 2^64.
  static var inverseModulus: UInt64 { get }
  /// R mod p: the Montgomery form of 1.
  static var rModP: LimbArray { get }
  /// R^2 mod p, to enter Montgomery form.
  static var r2ModP: LimbArray { get }

  // The products, which are most of the time of a pairing. The defaults
  // loop over the limbs; four- and six-limb moduli get straight-line
  // versions (`MontgomeryKernels.swift`). Inputs may be unreduced sums
  // below 2p (not for the sum of products); results are below p.

  /// `a b / R mod p`.
  static func montgomeryProduct(_ a: LimbArray, _ b: LimbArray) -> LimbArray
  /// `a^2 / R mod p`.
  static func montgomerySquare(_ a: LimbArray) -> LimbArray
  /// `(a0 b0 + a1 b1) / R mod p`, with one reduction (inputs below p).
  static func montgomerySumOfProducts(
    _ a0: LimbArray, _ b0: LimbArray, _ a1: LimbArray, _ b1: LimbArray
  ) -> LimbArray
  /// `((a0 b0 - a1 b1) / R, (a0 b1 + a1 b0) / R) mod p`, the Fp2 product
  /// `(a0 + a1 u)(b0 + b1 u)` with u² = -1 (inputs below p).
  static func montgomeryComplexProduct(
    _ a0: LimbArray, _ a1: LimbArray, _ b0: LimbArray, _ b1: LimbArray
  ) -> (real: LimbArray, imaginary: LimbArray)
}

extension MontgomeryModulus {
  @inline(__always)
  static func montgomeryProduct(_ a: LimbArray, _ b: LimbArray) -> LimbArray {
    loopedMontgomeryProduct(a, b)
  }

  @inline(__always)
  static func montgomerySquare(_ a: LimbArray) -> LimbArray { loopedMontgomeryProduct(a, a) }

  @inline(__always)
  static func montgomerySumOfProducts(
    _ a0: LimbArray, _ b0: LimbArray, _ a1: LimbArray, _ b1: LimbArray
  ) -> LimbArray {
    loopedMontgomerySumOfProducts(a0, b0, a1, b1)
  }

  /// Two sums of products, `-a1 b1` as `a1 (p - b1)`. Six limbs (BLS12-381)
  /// keep this: there Karatsuba on double-width products measured ~1% more
  /// instructions per pairing.
  @inline(__always)
  static func montgomeryComplexProduct(
    _ a0: LimbArray, _ a1: LimbArray, _ b0: LimbArray, _ b1: LimbArray
  ) -> (real: LimbArray, imaginary: LimbArray) {
    let negatedB1 = -MontgomeryField<Self>(montgomery: b1)
    return (
      montgomerySumOfProducts(a0, b0, a1, negatedB1.limbs),
      montgomerySumOfProducts(a0, b1, a1, b0)
    )
  }

  /// Montgomery product (CIOS), a round per limb of b. Inputs may be
  /// unreduced sums below 2p: then `a b < 4p^2 < p R` and every
  /// intermediate stays below 3p, so n limbs plus one carry word suffice and
  /// one conditional subtraction ends it.
  static func loopedMontgomeryProduct(_ a: LimbArray, _ b: LimbArray) -> LimbArray {
    var t = LimbArray(repeating: 0)
    for i in 0..<LimbArray.count { productRound(&t, a, b[i]) }
    return subtractingModulusIfNeeded(t)
  }

  /// `(a0 b0 + a1 b1) / R mod p`: CIOS with both products added in each
  /// round. Inputs below p: the sum stays below 2p^2 < p R, so n limbs plus
  /// a carry word suffice (the top word of each round's sum is below 2^63)
  /// and one conditional subtraction ends it.
  static func loopedMontgomerySumOfProducts(
    _ a0: LimbArray, _ b0: LimbArray, _ a1: LimbArray, _ b1: LimbArray
  ) -> LimbArray {
    var t = LimbArray(repeating: 0)
    for i in 0..<LimbArray.count { sumOfProductsRound(&t, a0, b0[i], a1, b1[i]) }
    return subtractingModulusIfNeeded(t)
  }
}

/// An element `a` of Fp held as `a R mod p`, always below p.
struct MontgomeryField<M: MontgomeryModulus>: FieldArithmetic {
  typealias LimbArray = M.LimbArray
  var limbs: LimbArray

  @inline(__always)
  static var limbCount: Int { LimbArray.count }

  /// From limbs already in Montgomery form (below p).
  @inline(__always)
  init(montgomery limbs: LimbArray) { self.limbs = limbs }

  /// From Montgomery-form limbs, least significant first (for constant tables).
  init(_ limbs: UInt64...) {
    precondition(limbs.count == LimbArray.count)
    var l = LimbArray(repeating: 0)
    for i in 0..<limbs.count { l[i] = limbs[i] }
    self.limbs = l
  }

  /// The element for an integer below p given as limbs, least significant first.
  init(integer: LimbArray) {
    self = MontgomeryField.montgomeryMultiply(
      MontgomeryField(montgomery: integer), MontgomeryField(montgomery: M.r2ModP))
  }

  /// The element for a small integer.
  init(small value: UInt64) {
    var l = LimbArray(repeating: 0)
    l[0] = value
    self.init(integer: l)
  }

  @inline(__always)
  static var zero: MontgomeryField { MontgomeryField(montgomery: LimbArray(repeating: 0)) }
  @inline(__always)
  static var one: MontgomeryField { MontgomeryField(montgomery: M.rModP) }

  @inline(__always)
  var isZero: Bool {
    var acc: UInt64 = 0
    for i in 0..<Self.limbCount { acc |= limbs[i] }
    return acc == 0
  }

  @inline(__always)
  static func == (a: MontgomeryField, b: MontgomeryField) -> Bool {
    var acc: UInt64 = 0
    for i in 0..<limbCount { acc |= a.limbs[i] ^ b.limbs[i] }
    return acc == 0
  }

  // MARK: Encoding

  /// Whether `limbs`, read as an integer, is below p.
  static func isBelowModulus(_ limbs: LimbArray) -> Bool {
    let p = M.modulus
    for i in stride(from: limbCount - 1, through: 0, by: -1) where limbs[i] != p[i] {
      return limbs[i] < p[i]
    }
    return false
  }

  /// Reads a `width`-byte big-endian integer at `offset` (bytes beyond the
  /// low `8 n` must be zero); `nil` when it is not below p.
  init?(bigEndian bytes: UnsafeBufferPointer<UInt8>, at offset: Int, width: Int) {
    let n = Self.limbCount
    let pad = width - 8 * n
    for i in 0..<max(pad, 0) where bytes[offset + i] != 0 { return nil }
    var raw = LimbArray(repeating: 0)
    var byte = offset + width - 1
    for i in 0..<n {
      var w: UInt64 = 0
      for j in 0..<8 where byte - j >= offset {
        w |= UInt64(bytes[byte - j]) << (8 * UInt64(j))
      }
      raw[i] = w
      byte -= 8
    }
    guard Self.isBelowModulus(raw) else { return nil }
    self.init(integer: raw)
  }

  /// The canonical integer value (out of Montgomery form), least significant limb first.
  var canonicalLimbs: LimbArray {
    var unit = LimbArray(repeating: 0)
    unit[0] = 1
    return MontgomeryField.montgomeryMultiply(self, MontgomeryField(montgomery: unit)).limbs
  }

  /// Writes the canonical value as `width` big-endian bytes at `offset`
  /// (zero-padded on the left; the value must fit).
  func write(to out: inout [UInt8], at offset: Int, width: Int) {
    let c = canonicalLimbs
    for k in 0..<width {
      let bit = 8 * k  // position of the byte written at offset + width - 1 - k
      let limb = bit / 64
      out[offset + width - 1 - k] =
        limb < Self.limbCount ? UInt8(truncatingIfNeeded: c[limb] >> UInt64(bit % 64)) : 0
    }
  }

  /// The parity of the canonical value (`sgn0` of RFC 9380 for Fp).
  var isOdd: Bool { canonicalLimbs[0] & 1 == 1 }

  /// Whether the canonical value exceeds (p - 1) / 2 (the "larger" root of
  /// the ZCash compressed encoding).
  var isLexicographicallyLargest: Bool {
    // v > (p - 1) / 2  ⇔  2v > p - 1  ⇔  2v ≥ p, and 2v < 2p fits the limbs.
    let c = canonicalLimbs
    var twice = LimbArray(repeating: 0)
    var carry: UInt64 = 0
    for i in 0..<Self.limbCount { twice[i] = addc(c[i], c[i], &carry) }
    return !Self.isBelowModulus(twice)
  }

  // MARK: Arithmetic

  @inline(__always)
  static func + (a: MontgomeryField, b: MontgomeryField) -> MontgomeryField {
    MontgomeryField(montgomery: M.subtractingModulusIfNeeded(addUnreduced(a, b).limbs))
  }

  /// `a + b` without the final reduction: below 2p, a valid input to
  /// ``montgomeryMultiply(_:_:)`` but not a canonical element.
  @inline(__always)
  static func addUnreduced(_ a: MontgomeryField, _ b: MontgomeryField) -> MontgomeryField {
    var s = LimbArray(repeating: 0)
    var carry: UInt64 = 0
    for i in 0..<limbCount { s[i] = addc(a.limbs[i], b.limbs[i], &carry) }
    return MontgomeryField(montgomery: s)
  }

  @inline(__always)
  static func - (a: MontgomeryField, b: MontgomeryField) -> MontgomeryField {
    let p = M.modulus
    var d = LimbArray(repeating: 0)
    var borrow: UInt64 = 0
    for i in 0..<limbCount { d[i] = subb(a.limbs[i], b.limbs[i], &borrow) }
    // Add p back when the subtraction borrowed, without a branch.
    let mask = 0 &- borrow
    var carry: UInt64 = 0
    for i in 0..<limbCount { d[i] = addc(d[i], p[i] & mask, &carry) }
    return MontgomeryField(montgomery: d)
  }

  @inline(__always)
  static prefix func - (a: MontgomeryField) -> MontgomeryField { zero - a }

  @inline(__always)
  func doubled() -> MontgomeryField { self + self }

  // Products are not inlined: a straight-line product is long, and copies
  // of it at every use would multiply the code (and the compile time).
  // The Fp2 operations of the tower inline the kernels instead.

  @inline(never)
  static func * (a: MontgomeryField, b: MontgomeryField) -> MontgomeryField {
    montgomeryMultiply(a, b)
  }

  @inline(never)
  func squared() -> MontgomeryField { MontgomeryField(montgomery: M.montgomerySquare(limbs)) }

  /// Montgomery product `a b / R mod p`; inputs may be unreduced sums below 2p.
  @inline(__always)
  static func montgomeryMultiply(_ a: MontgomeryField, _ b: MontgomeryField) -> MontgomeryField {
    MontgomeryField(montgomery: M.montgomeryProduct(a.limbs, b.limbs))
  }

  /// `(a0 b0 + a1 b1) / R mod p` with one reduction (inputs below p).
  @inline(__always)
  static func sumOfProducts(
    _ a0: MontgomeryField, _ b0: MontgomeryField, _ a1: MontgomeryField, _ b1: MontgomeryField
  ) -> MontgomeryField {
    MontgomeryField(montgomery: M.montgomerySumOfProducts(a0.limbs, b0.limbs, a1.limbs, b1.limbs))
  }

  /// `self^e` for an exponent given as limbs, least significant first:
  /// fixed 4-bit windows (15 table products, then one product per window).
  func power<E: LimbStorage>(_ e: E) -> MontgomeryField {
    var table = [MontgomeryField](repeating: .one, count: 16)
    for i in 1..<16 { table[i] = table[i - 1] * self }
    var result = MontgomeryField.one
    var started = false
    for limb in stride(from: E.count - 1, through: 0, by: -1) {
      for shift in stride(from: 60, through: 0, by: -4) {
        if started { result = result.squared().squared().squared().squared() }
        let nibble = Int((e[limb] >> UInt64(shift)) & 0xf)
        if nibble != 0 {
          result = started ? result * table[nibble] : table[nibble]
          started = true
        }
      }
    }
    return result
  }

  /// p - k for a small k, as limbs.
  private static func modulusMinus(_ k: UInt64) -> LimbArray {
    let p = M.modulus
    var r = LimbArray(repeating: 0)
    var borrow: UInt64 = 0
    for i in 0..<limbCount { r[i] = subb(p[i], i == 0 ? k : 0, &borrow) }
    return r
  }

  /// `limbs >> shift` for 0 < shift < 64.
  private static func shiftedRight(_ limbs: LimbArray, by shift: UInt64) -> LimbArray {
    var r = LimbArray(repeating: 0)
    for i in 0..<limbCount {
      let high = i + 1 < limbCount ? limbs[i + 1] << (64 - shift) : 0
      r[i] = limbs[i] >> shift | high
    }
    return r
  }

  /// `self^(p-2)`; zero maps to zero.
  func inverse() -> MontgomeryField { power(Self.modulusMinus(2)) }

  /// Whether the element is a square (zero counts as one): Euler's criterion.
  var isSquare: Bool {
    isZero || power(Self.shiftedRight(Self.modulusMinus(1), by: 1)) == .one
  }

  /// A square root, or `nil` when there is none. Needs p ≡ 3 mod 4 (true of
  /// both curves): `a^((p+1)/4)`, computed as `((p - 3) / 4) + 1`.
  func squareRoot() -> MontgomeryField? {
    let candidate = power(Self.shiftedRight(Self.modulusMinus(3), by: 2)) * self
    return candidate.squared() == self ? candidate : nil
  }
}

/// `a + b + carry`, carry out in `carry` (0 or 1).
@inline(__always)
func addc(_ a: UInt64, _ b: UInt64, _ carry: inout UInt64) -> UInt64 {
  let (s1, o1) = a.addingReportingOverflow(b)
  let (s2, o2) = s1.addingReportingOverflow(carry)
  carry = (o1 ? 1 : 0) | (o2 ? 1 : 0)
  return s2
}

/// `a - b - borrow`, borrow out in `borrow` (0 or 1).
@inline(__always)
func subb(_ a: UInt64, _ b: UInt64, _ borrow: inout UInt64) -> UInt64 {
  let (d1, o1) = a.subtractingReportingOverflow(b)
  let (d2, o2) = d1.subtractingReportingOverflow(borrow)
  borrow = (o1 ? 1 : 0) | (o2 ? 1 : 0)
  return d2
}

/// `t + a b + carry` through a 128-bit product, the high word left in
/// `carry`; it never overflows 128 bits.
@inline(__always)
func mac(_ t: UInt64, _ a: UInt64, _ b: UInt64, _ carry: inout UInt64) -> UInt64 {
  let wide = UInt128(a) &* UInt128(b) &+ UInt128(t) &+ UInt128(carry)
  carry = UInt64(truncatingIfNeeded: wide >> 64)
  return UInt64(truncatingIfNeeded: wide)
}
