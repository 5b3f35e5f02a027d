// Two's complement views of the EVM word: SDIV, SMOD, SLT, SGT.

extension UInt256 {
  /// True when the top bit is set, i.e. the value is negative as a two's complement integer.
  @inlinable @inline(__always)
  public var isNegative: Bool { w3 &>> 63 != 0 }

  /// The magnitude of the two's complement value (`2^255` stays `2^255`).
  @inlinable @inline(__always)
  var _magnitude: UInt256 { isNegative ? negated : self }

  /// Signed `<` on two's complement values (EVM `SLT`).
  @inlinable @inline(__always)
  public func signedLessThan(_ other: UInt256) -> Bool {
    // Flipping the sign bit maps the signed order onto the unsigned order.
    let flip: UInt64 = 1 &<< 63
    return UInt256(w0: w0, w1: w1, w2: w2, w3: w3 ^ flip)
      < UInt256(w0: other.w0, w1: other.w1, w2: other.w2, w3: other.w3 ^ flip)
  }

  /// Signed `>` on two's complement values (EVM `SGT`).
  @inlinable @inline(__always)
  public func signedGreaterThan(_ other: UInt256) -> Bool {
    other.signedLessThan(self)
  }

  /// Signed quotient rounded towards zero (EVM `SDIV`): zero when `divisor`
  /// is zero, and `-2^255 / -1` wraps to `-2^255`.
  @inlinable
  public func signedQuotient(dividingBy divisor: UInt256) -> UInt256 {
    let q = _magnitude.quotient(dividingBy: divisor._magnitude)
    return isNegative != divisor.isNegative ? q.negated : q
  }

  /// Signed remainder taking the sign of the dividend (EVM `SMOD`); zero when `divisor` is zero.
  @inlinable
  public func signedRemainder(dividingBy divisor: UInt256) -> UInt256 {
    let r = _magnitude.remainder(dividingBy: divisor._magnitude)
    return isNegative ? r.negated : r
  }
}
