// Bitwise logic, shifts and the byte-level EVM opcodes (BYTE, SIGNEXTEND, CLZ).

// MARK: - Logic

extension UInt256 {
  /// Bitwise AND (EVM `AND`).
  @inlinable @inline(__always)
  public static func & (lhs: UInt256, rhs: UInt256) -> UInt256 {
    UInt256(w0: lhs.w0 & rhs.w0, w1: lhs.w1 & rhs.w1, w2: lhs.w2 & rhs.w2, w3: lhs.w3 & rhs.w3)
  }

  /// Bitwise OR (EVM `OR`).
  @inlinable @inline(__always)
  public static func | (lhs: UInt256, rhs: UInt256) -> UInt256 {
    UInt256(w0: lhs.w0 | rhs.w0, w1: lhs.w1 | rhs.w1, w2: lhs.w2 | rhs.w2, w3: lhs.w3 | rhs.w3)
  }

  /// Bitwise exclusive OR (EVM `XOR`).
  @inlinable @inline(__always)
  public static func ^ (lhs: UInt256, rhs: UInt256) -> UInt256 {
    UInt256(w0: lhs.w0 ^ rhs.w0, w1: lhs.w1 ^ rhs.w1, w2: lhs.w2 ^ rhs.w2, w3: lhs.w3 ^ rhs.w3)
  }

  /// Bitwise complement (EVM `NOT`).
  @inlinable @inline(__always)
  public static prefix func ~ (x: UInt256) -> UInt256 {
    UInt256(w0: ~x.w0, w1: ~x.w1, w2: ~x.w2, w3: ~x.w3)
  }
}

// MARK: - Shifts

extension UInt256 {
  /// `x >> (64 - s)` for `s` in 0...63, giving 0 when `s == 0` (no branch).
  @inlinable @inline(__always)
  static func _spillRight(_ x: UInt64, _ s: UInt64) -> UInt64 {
    (x &>> 1) &>> (63 &- s)
  }

  /// `x << (64 - s)` for `s` in 0...63, giving 0 when `s == 0` (no branch).
  @inlinable @inline(__always)
  static func _spillLeft(_ x: UInt64, _ s: UInt64) -> UInt64 {
    (x &<< 1) &<< (63 &- s)
  }

  /// Left shift by `n` in 0..<256 (not checked).
  @inlinable @inline(__always)
  func _shiftedLeft(_ n: Int) -> UInt256 {
    let s = UInt64(n & 63)
    let a0 = w0 &<< s
    let a1 = (w1 &<< s) | UInt256._spillRight(w0, s)
    let a2 = (w2 &<< s) | UInt256._spillRight(w1, s)
    let a3 = (w3 &<< s) | UInt256._spillRight(w2, s)
    switch n >> 6 {
    case 0: return UInt256(w0: a0, w1: a1, w2: a2, w3: a3)
    case 1: return UInt256(w0: 0, w1: a0, w2: a1, w3: a2)
    case 2: return UInt256(w0: 0, w1: 0, w2: a0, w3: a1)
    default: return UInt256(w0: 0, w1: 0, w2: 0, w3: a0)
    }
  }

  /// Logical right shift by `n` in 0..<256 (not checked).
  @inlinable @inline(__always)
  func _shiftedRight(_ n: Int) -> UInt256 {
    let s = UInt64(n & 63)
    let a0 = (w0 &>> s) | UInt256._spillLeft(w1, s)
    let a1 = (w1 &>> s) | UInt256._spillLeft(w2, s)
    let a2 = (w2 &>> s) | UInt256._spillLeft(w3, s)
    let a3 = w3 &>> s
    switch n >> 6 {
    case 0: return UInt256(w0: a0, w1: a1, w2: a2, w3: a3)
    case 1: return UInt256(w0: a1, w1: a2, w2: a3, w3: 0)
    case 2: return UInt256(w0: a2, w1: a3, w2: 0, w3: 0)
    default: return UInt256(w0: a3, w1: 0, w2: 0, w3: 0)
    }
  }

  /// Logical left shift by a bit count; counts of 256 or more give zero and
  /// negative counts shift right.
  @inlinable @inline(__always)
  public static func << (lhs: UInt256, rhs: Int) -> UInt256 {
    if rhs >= 0 { return rhs < 256 ? lhs._shiftedLeft(rhs) : .zero }
    return rhs > -256 ? lhs._shiftedRight(0 - rhs) : .zero
  }

  /// Logical right shift by a bit count; counts of 256 or more give zero and
  /// negative counts shift left.
  @inlinable @inline(__always)
  public static func >> (lhs: UInt256, rhs: Int) -> UInt256 {
    if rhs >= 0 { return rhs < 256 ? lhs._shiftedRight(rhs) : .zero }
    return rhs > -256 ? lhs._shiftedLeft(0 - rhs) : .zero
  }

  /// The shift count as an `Int` in 0...256, with every count of 256 or more mapped to 256.
  @inlinable @inline(__always)
  var _shiftCount: Int {
    (w1 | w2 | w3) == 0 && w0 < 256 ? Int(w0) : 256
  }

  /// Logical left shift by a 256-bit count (EVM `SHL`); counts of 256 or more give zero.
  @inlinable @inline(__always)
  public func shiftedLeft(by count: UInt256) -> UInt256 {
    self << count._shiftCount
  }

  /// Logical right shift by a 256-bit count (EVM `SHR`); counts of 256 or more give zero.
  @inlinable @inline(__always)
  public func shiftedRight(by count: UInt256) -> UInt256 {
    self >> count._shiftCount
  }

  /// Arithmetic right shift of the two's complement value (EVM `SAR`):
  /// vacated bits copy the sign bit; counts of 256 or more give zero for
  /// non-negative values and all ones for negative values.
  @inlinable @inline(__always)
  public func arithmeticShiftedRight(by count: UInt256) -> UInt256 {
    // For negative x, x >>arith n == ~(~x >>logical n).
    let m = 0 &- (w3 &>> 63)
    let mask = UInt256(w0: m, w1: m, w2: m, w3: m)
    return ((self ^ mask) >> count._shiftCount) ^ mask
  }
}

// MARK: - Bytes and bit counts

extension UInt256 {
  /// The byte at `index` counted from the most significant end (EVM `BYTE`):
  /// index 0 is the top byte; indices of 32 or more give zero.
  @inlinable @inline(__always)
  public func byte(at index: UInt256) -> UInt256 {
    guard index.fitsInUInt64, index.w0 < 32 else { return .zero }
    let fromLow = 31 - Int(index.w0)
    let limb = self[limb: fromLow >> 3]
    return UInt256((limb &>> UInt64((fromLow & 7) << 3)) & 0xff)
  }

  /// Sign-extends from the top bit of byte `b`, counted from the least
  /// significant end (EVM `SIGNEXTEND(b, x)` is `x.signExtended(fromByte: b)`);
  /// for `b >= 31` the value is returned unchanged.
  @inlinable @inline(__always)
  public func signExtended(fromByte b: UInt256) -> UInt256 {
    guard b.fitsInUInt64, b.w0 < 31 else { return self }
    let signBit = Int(b.w0) * 8 + 7
    // Ones in bits 0...signBit.
    let low = UInt256.max >> (255 - signBit)
    let negative = (self >> signBit).w0 & 1 != 0
    return negative ? self | ~low : self & low
  }

  /// Number of leading zero bits; 256 for zero (EVM `CLZ`).
  @inlinable @inline(__always)
  public var leadingZeroBitCount: Int {
    if w3 != 0 { return w3.leadingZeroBitCount }
    if w2 != 0 { return 64 + w2.leadingZeroBitCount }
    if w1 != 0 { return 128 + w1.leadingZeroBitCount }
    return 192 + w0.leadingZeroBitCount
  }
}
