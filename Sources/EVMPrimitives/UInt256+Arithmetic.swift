// Wrapping addition, subtraction and multiplication modulo 2^256.
//
// Every routine works on the four 64-bit limbs directly with the standard
// library's overflow-reporting primitives, so the optimiser lowers them to
// add/adc, sub/sbb and mul chains with no branches and no heap traffic.

// MARK: - Limb helpers

extension UInt256 {
  /// `a + b + carry` with `carry` in {0, 1}; returns the sum limb and the carry out (0 or 1).
  @inlinable @inline(__always)
  static func _addCarry(_ a: UInt64, _ b: UInt64, _ carry: UInt64) -> (UInt64, UInt64) {
    let (s1, o1) = a.addingReportingOverflow(b)
    let (s2, o2) = s1.addingReportingOverflow(carry)
    // At most one of the two additions can overflow.
    return (s2, (o1 || o2) ? 1 : 0)
  }

  /// `a - b - borrow` with `borrow` in {0, 1}; returns the difference limb and the borrow out.
  @inlinable @inline(__always)
  static func _subBorrow(_ a: UInt64, _ b: UInt64, _ borrow: UInt64) -> (UInt64, UInt64) {
    let (d1, o1) = a.subtractingReportingOverflow(b)
    let (d2, o2) = d1.subtractingReportingOverflow(borrow)
    return (d2, (o1 || o2) ? 1 : 0)
  }

  /// `a * b + c + d` as a 128-bit `(high, low)` pair; this never overflows 128 bits.
  @inlinable @inline(__always)
  static func _mulAdd(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ d: UInt64) -> (
    high: UInt64, low: UInt64
  ) {
    let (h, l) = a.multipliedFullWidth(by: b)
    let (l1, o1) = l.addingReportingOverflow(c)
    let (l2, o2) = l1.addingReportingOverflow(d)
    return (h &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0), l2)
  }

  /// One row of schoolbook multiplication: `a * b + acc` as five limbs
  /// (four low limbs and the carry limb).
  @inlinable @inline(__always)
  static func _mulRow(
    _ a: UInt256, _ b: UInt64, _ acc: (UInt64, UInt64, UInt64, UInt64)
  ) -> (UInt64, UInt64, UInt64, UInt64, UInt64) {
    let p0 = _mulAdd(a.w0, b, acc.0, 0)
    let p1 = _mulAdd(a.w1, b, acc.1, p0.high)
    let p2 = _mulAdd(a.w2, b, acc.2, p1.high)
    let p3 = _mulAdd(a.w3, b, acc.3, p2.high)
    return (p0.low, p1.low, p2.low, p3.low, p3.high)
  }
}

// MARK: - Addition and subtraction

extension UInt256 {
  /// The sum and whether it carried out of bit 255.
  @inlinable @inline(__always)
  public func addingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
    let (r0, c0) = w0.addingReportingOverflow(other.w0)
    let (r1, c1) = UInt256._addCarry(w1, other.w1, c0 ? 1 : 0)
    let (r2, c2) = UInt256._addCarry(w2, other.w2, c1)
    let (r3, c3) = UInt256._addCarry(w3, other.w3, c2)
    return (UInt256(w0: r0, w1: r1, w2: r2, w3: r3), c3 != 0)
  }

  /// The difference and whether it borrowed (that is, `other > self`).
  @inlinable @inline(__always)
  public func subtractingReportingOverflow(_ other: UInt256) -> (
    partialValue: UInt256, overflow: Bool
  ) {
    let (r0, b0) = w0.subtractingReportingOverflow(other.w0)
    let (r1, b1) = UInt256._subBorrow(w1, other.w1, b0 ? 1 : 0)
    let (r2, b2) = UInt256._subBorrow(w2, other.w2, b1)
    let (r3, b3) = UInt256._subBorrow(w3, other.w3, b2)
    return (UInt256(w0: r0, w1: r1, w2: r2, w3: r3), b3 != 0)
  }

  /// Wrapping addition modulo 2^256 (EVM `ADD`).
  @inlinable @inline(__always)
  public static func &+ (lhs: UInt256, rhs: UInt256) -> UInt256 {
    lhs.addingReportingOverflow(rhs).partialValue
  }

  /// Wrapping subtraction modulo 2^256 (EVM `SUB`).
  @inlinable @inline(__always)
  public static func &- (lhs: UInt256, rhs: UInt256) -> UInt256 {
    lhs.subtractingReportingOverflow(rhs).partialValue
  }

  /// The two's complement negation, `0 &- self`.
  @inlinable @inline(__always)
  public var negated: UInt256 { UInt256.zero &- self }
}

// MARK: - Multiplication

extension UInt256 {
  /// Wrapping multiplication modulo 2^256 (EVM `MUL`).
  ///
  /// Only the ten partial products that reach the low 256 bits are computed.
  @inlinable @inline(__always)
  public static func &* (lhs: UInt256, rhs: UInt256) -> UInt256 {
    let a = lhs
    let b = rhs
    // Row for a.w0: full 4-limb contribution.
    let p00 = a.w0.multipliedFullWidth(by: b.w0)
    let p01 = _mulAdd(a.w0, b.w1, p00.high, 0)
    let p02 = _mulAdd(a.w0, b.w2, p01.high, 0)
    var r3 = a.w0 &* b.w3 &+ p02.high
    // Row for a.w1.
    let p10 = _mulAdd(a.w1, b.w0, p01.low, 0)
    let p11 = _mulAdd(a.w1, b.w1, p02.low, p10.high)
    r3 = r3 &+ a.w1 &* b.w2 &+ p11.high
    // Row for a.w2.
    let p20 = _mulAdd(a.w2, b.w0, p11.low, 0)
    r3 = r3 &+ a.w2 &* b.w1 &+ p20.high
    // Row for a.w3.
    r3 = r3 &+ a.w3 &* b.w0
    return UInt256(w0: p00.low, w1: p10.low, w2: p20.low, w3: r3)
  }

  /// The full 512-bit product as `(high, low)` halves.
  @inlinable @inline(__always)
  public func multipliedFullWidth(by other: UInt256) -> (high: UInt256, low: UInt256) {
    let r0 = UInt256._mulRow(self, other.w0, (0, 0, 0, 0))
    let r1 = UInt256._mulRow(self, other.w1, (r0.1, r0.2, r0.3, r0.4))
    let r2 = UInt256._mulRow(self, other.w2, (r1.1, r1.2, r1.3, r1.4))
    let r3 = UInt256._mulRow(self, other.w3, (r2.1, r2.2, r2.3, r2.4))
    return (
      high: UInt256(w0: r3.1, w1: r3.2, w2: r3.3, w3: r3.4),
      low: UInt256(w0: r0.0, w1: r1.0, w2: r2.0, w3: r3.0)
    )
  }

  /// The wrapped product and whether the exact product exceeds 2^256 - 1.
  @inlinable
  public func multipliedReportingOverflow(by other: UInt256) -> (
    partialValue: UInt256, overflow: Bool
  ) {
    let (high, low) = multipliedFullWidth(by: other)
    return (low, !high.isZero)
  }
}
