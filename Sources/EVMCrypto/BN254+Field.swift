// Base-field arithmetic for alt_bn128 (BN254): Fp in Montgomery form on four
// 64-bit limbs, and Fp2 = Fp[u] / (u^2 + 1).

/// The operations the curve code needs from a field (Fp for G1, Fp2 for G2).
protocol BNField: Equatable {
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

extension BN254 {
  /// An element of Fp, p = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47,
  /// held as `a * 2^256 mod p` (Montgomery form), limbs least significant first.
  struct Fp: BNField {
    var l0: UInt64
    var l1: UInt64
    var l2: UInt64
    var l3: UInt64

    @inline(__always)
    init(_ l0: UInt64, _ l1: UInt64, _ l2: UInt64, _ l3: UInt64) {
      self.l0 = l0
      self.l1 = l1
      self.l2 = l2
      self.l3 = l3
    }

    // The modulus and -p^-1 mod 2^64.
    static let p0: UInt64 = 0x3c20_8c16_d87c_fd47
    static let p1: UInt64 = 0x9781_6a91_6871_ca8d
    static let p2: UInt64 = 0xb850_45b6_8181_585d
    static let p3: UInt64 = 0x3064_4e72_e131_a029
    static let inv: UInt64 = 0x87d2_0782_e486_6389

    static let zero = Fp(0, 0, 0, 0)
    /// 2^256 mod p: the Montgomery form of 1.
    static let one = Fp(
      0xd35d_438d_c58f_0d9d, 0x0a78_eb28_f5c7_0b3d, 0x666e_a36f_7879_462c, 0x0e0a_77c1_9a07_df2f)
    /// 2^512 mod p, to enter Montgomery form.
    static let r2 = Fp(
      0xf32c_fc5b_538a_fa89, 0xb5e7_1911_d445_01fb, 0x47ab_1eff_0a41_7ff6, 0x06d8_9f71_cab8_351f)

    var isZero: Bool { (l0 | l1 | l2 | l3) == 0 }

    /// Reads a 32-byte big-endian integer; `nil` when it is not below p.
    init?(bigEndian bytes: UnsafeBufferPointer<UInt8>, at offset: Int) {
      func word(_ i: Int) -> UInt64 {
        var w: UInt64 = 0
        for j in 0..<8 { w = w << 8 | UInt64(bytes[offset + 8 * i + j]) }
        return w
      }
      let raw = Fp(word(3), word(2), word(1), word(0))
      guard raw.isBelowModulus else { return nil }
      self = Fp.montgomeryMultiply(raw, Fp.r2)
    }

    /// The element for a small integer.
    init(small value: UInt64) { self = Fp.montgomeryMultiply(Fp(value, 0, 0, 0), Fp.r2) }

    /// Whether the raw limbs, read as an integer, are below p.
    var isBelowModulus: Bool {
      if l3 != Fp.p3 { return l3 < Fp.p3 }
      if l2 != Fp.p2 { return l2 < Fp.p2 }
      if l1 != Fp.p1 { return l1 < Fp.p1 }
      return l0 < Fp.p0
    }

    /// The canonical integer value (out of Montgomery form), limbs least significant first.
    var canonical: Fp { Fp.montgomeryMultiply(self, Fp(1, 0, 0, 0)) }

    /// Writes the canonical value as 32 big-endian bytes at `offset`.
    func write(to out: inout [UInt8], at offset: Int) {
      let c = canonical
      let words = [c.l3, c.l2, c.l1, c.l0]
      for i in 0..<4 {
        for j in 0..<8 {
          out[offset + 8 * i + j] = UInt8(truncatingIfNeeded: words[i] >> (56 - 8 * UInt64(j)))
        }
      }
    }

    @inline(__always)
    static func + (a: Fp, b: Fp) -> Fp {
      var carry: UInt64 = 0
      let s0 = addc(a.l0, b.l0, &carry)
      let s1 = addc(a.l1, b.l1, &carry)
      let s2 = addc(a.l2, b.l2, &carry)
      let s3 = addc(a.l3, b.l3, &carry)
      return reduceOnce(s0, s1, s2, s3)
    }

    /// `a + b` without the final reduction: below 2p < 2^255, a valid input
    /// to ``montgomeryMultiply(_:_:)`` (which needs `a * b < p * 2^256`, true
    /// for operands below 2p since 4p < 2^256) but not a canonical element.
    @inline(__always)
    static func addUnreduced(_ a: Fp, _ b: Fp) -> Fp {
      var carry: UInt64 = 0
      let s0 = addc(a.l0, b.l0, &carry)
      let s1 = addc(a.l1, b.l1, &carry)
      let s2 = addc(a.l2, b.l2, &carry)
      let s3 = addc(a.l3, b.l3, &carry)
      return Fp(s0, s1, s2, s3)
    }

    @inline(__always)
    static func - (a: Fp, b: Fp) -> Fp {
      var borrow: UInt64 = 0
      let d0 = subb(a.l0, b.l0, &borrow)
      let d1 = subb(a.l1, b.l1, &borrow)
      let d2 = subb(a.l2, b.l2, &borrow)
      let d3 = subb(a.l3, b.l3, &borrow)
      // Add p back when the subtraction borrowed, without a branch.
      let mask = 0 &- borrow
      var carry: UInt64 = 0
      let r0 = addc(d0, p0 & mask, &carry)
      let r1 = addc(d1, p1 & mask, &carry)
      let r2 = addc(d2, p2 & mask, &carry)
      let r3 = addc(d3, p3 & mask, &carry)
      return Fp(r0, r1, r2, r3)
    }

    @inline(__always)
    static prefix func - (a: Fp) -> Fp { a.isZero ? a : Fp.zero - a }

    @inline(__always)
    func doubled() -> Fp { self + self }

    @inline(__always)
    static func * (a: Fp, b: Fp) -> Fp { montgomeryMultiply(a, b) }

    @inline(__always)
    func squared() -> Fp { Fp.montgomeryMultiply(self, self) }

    /// `self^(p-2)`; zero maps to zero.
    func inverse() -> Fp {
      // p - 2, most significant limb first.
      let exponent: [UInt64] = [Fp.p3, Fp.p2, Fp.p1, Fp.p0 - 2]
      var result = Fp.one
      for limb in exponent {
        for bit in stride(from: 63, through: 0, by: -1) {
          result = result.squared()
          if (limb >> UInt64(bit)) & 1 == 1 { result = result * self }
        }
      }
      return result
    }

    /// `s` minus p when `s >= p` (inputs below 2p < 2^256).
    @inline(__always)
    static func reduceOnce(_ s0: UInt64, _ s1: UInt64, _ s2: UInt64, _ s3: UInt64) -> Fp {
      var borrow: UInt64 = 0
      let d0 = subb(s0, p0, &borrow)
      let d1 = subb(s1, p1, &borrow)
      let d2 = subb(s2, p2, &borrow)
      let d3 = subb(s3, p3, &borrow)
      // Keep s when the subtraction borrowed (mask all ones), without a branch.
      let mask = 0 &- borrow
      return Fp(
        d0 ^ ((s0 ^ d0) & mask), d1 ^ ((s1 ^ d1) & mask), d2 ^ ((s2 ^ d2) & mask),
        d3 ^ ((s3 ^ d3) & mask))
    }

    /// Montgomery product `a * b / 2^256 mod p` (CIOS). p < 2^254 keeps every
    /// intermediate below 2p, so four limbs plus one carry word suffice.
    @inline(__always)
    static func montgomeryMultiply(_ a: Fp, _ b: Fp) -> Fp {
      var c: UInt64 = 0
      var t0: UInt64 = 0
      var t1: UInt64 = 0
      var t2: UInt64 = 0
      var t3: UInt64 = 0
      var t4: UInt64 = 0
      var m: UInt64 = 0
      // Limb 0 of b.
      c = 0
      t0 = mac(t0, a.l0, b.l0, &c)
      t1 = mac(t1, a.l1, b.l0, &c)
      t2 = mac(t2, a.l2, b.l0, &c)
      t3 = mac(t3, a.l3, b.l0, &c)
      t4 = c
      m = t0 &* inv
      c = 0
      _ = mac(t0, m, p0, &c)
      t0 = mac(t1, m, p1, &c)
      t1 = mac(t2, m, p2, &c)
      t2 = mac(t3, m, p3, &c)
      t3 = t4 &+ c
      // Limb 1 of b.
      c = 0
      t0 = mac(t0, a.l0, b.l1, &c)
      t1 = mac(t1, a.l1, b.l1, &c)
      t2 = mac(t2, a.l2, b.l1, &c)
      t3 = mac(t3, a.l3, b.l1, &c)
      t4 = c
      m = t0 &* inv
      c = 0
      _ = mac(t0, m, p0, &c)
      t0 = mac(t1, m, p1, &c)
      t1 = mac(t2, m, p2, &c)
      t2 = mac(t3, m, p3, &c)
      t3 = t4 &+ c
      // Limb 2 of b.
      c = 0
      t0 = mac(t0, a.l0, b.l2, &c)
      t1 = mac(t1, a.l1, b.l2, &c)
      t2 = mac(t2, a.l2, b.l2, &c)
      t3 = mac(t3, a.l3, b.l2, &c)
      t4 = c
      m = t0 &* inv
      c = 0
      _ = mac(t0, m, p0, &c)
      t0 = mac(t1, m, p1, &c)
      t1 = mac(t2, m, p2, &c)
      t2 = mac(t3, m, p3, &c)
      t3 = t4 &+ c
      // Limb 3 of b.
      c = 0
      t0 = mac(t0, a.l0, b.l3, &c)
      t1 = mac(t1, a.l1, b.l3, &c)
      t2 = mac(t2, a.l2, b.l3, &c)
      t3 = mac(t3, a.l3, b.l3, &c)
      t4 = c
      m = t0 &* inv
      c = 0
      _ = mac(t0, m, p0, &c)
      t0 = mac(t1, m, p1, &c)
      t1 = mac(t2, m, p2, &c)
      t2 = mac(t3, m, p3, &c)
      t3 = t4 &+ c
      return reduceOnce(t0, t1, t2, t3)
    }
  }
}

/// `a + b + carry`, carry out in `carry` (0 or 1).
@inline(__always)
func addc(_ a: UInt64, _ b: UInt64, _ carry: inout UInt64) -> UInt64 {
  let s1 = a &+ b
  let s2 = s1 &+ carry
  carry = (s1 < a ? 1 : 0) | (s2 < s1 ? 1 : 0)
  return s2
}

/// `a - b - borrow`, borrow out in `borrow` (0 or 1).
@inline(__always)
func subb(_ a: UInt64, _ b: UInt64, _ borrow: inout UInt64) -> UInt64 {
  let d1 = a &- b
  let d2 = d1 &- borrow
  borrow = (a < b ? 1 : 0) | (d1 < borrow ? 1 : 0)
  return d2
}

/// `t + a * b + carry`, the high word left in `carry` (never overflows 128 bits).
@inline(__always)
func mac(_ t: UInt64, _ a: UInt64, _ b: UInt64, _ carry: inout UInt64) -> UInt64 {
  let (hi, lo) = a.multipliedFullWidth(by: b)
  let s1 = lo &+ t
  let s2 = s1 &+ carry
  carry = hi &+ (s1 < lo ? 1 : 0) &+ (s2 < s1 ? 1 : 0)
  return s2
}

extension BN254 {
  /// An element `c0 + c1 u` of Fp2 = Fp[u] / (u^2 + 1).
  struct Fp2: BNField {
    var c0: Fp
    var c1: Fp

    @inline(__always)
    init(_ c0: Fp, _ c1: Fp) {
      self.c0 = c0
      self.c1 = c1
    }

    static let zero = Fp2(.zero, .zero)
    static let one = Fp2(.one, .zero)

    var isZero: Bool { c0.isZero && c1.isZero }

    @inline(__always)
    static func + (a: Fp2, b: Fp2) -> Fp2 { Fp2(a.c0 + b.c0, a.c1 + b.c1) }
    @inline(__always)
    static func - (a: Fp2, b: Fp2) -> Fp2 { Fp2(a.c0 - b.c0, a.c1 - b.c1) }
    @inline(__always)
    static prefix func - (a: Fp2) -> Fp2 { Fp2(-a.c0, -a.c1) }
    @inline(__always)
    func doubled() -> Fp2 { Fp2(c0.doubled(), c1.doubled()) }

    /// Karatsuba: three base-field products.
    @inline(__always)
    static func * (a: Fp2, b: Fp2) -> Fp2 {
      let t0 = a.c0 * b.c0
      let t1 = a.c1 * b.c1
      let t2 = Fp.montgomeryMultiply(Fp.addUnreduced(a.c0, a.c1), Fp.addUnreduced(b.c0, b.c1))
      return Fp2(t0 - t1, t2 - t0 - t1)
    }

    @inline(__always)
    static func * (a: Fp2, b: Fp) -> Fp2 { Fp2(a.c0 * b, a.c1 * b) }

    /// (c0 + c1)(c0 - c1) + 2 c0 c1 u.
    @inline(__always)
    func squared() -> Fp2 {
      let t = c0 * c1
      return Fp2(Fp.montgomeryMultiply(Fp.addUnreduced(c0, c1), c0 - c1), t.doubled())
    }

    @inline(__always)
    var conjugate: Fp2 { Fp2(c0, -c1) }

    /// Multiplication by ξ = 9 + u, the non-residue of the sextic twist.
    @inline(__always)
    func mulByXi() -> Fp2 {
      let a8 = c0.doubled().doubled().doubled()
      let b8 = c1.doubled().doubled().doubled()
      return Fp2(a8 + c0 - c1, b8 + c1 + c0)
    }

    /// Zero maps to zero.
    func inverse() -> Fp2 {
      let norm = (c0.squared() + c1.squared()).inverse()
      return Fp2(c0 * norm, -(c1 * norm))
    }
  }
}
