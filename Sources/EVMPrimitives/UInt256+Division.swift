// Unsigned division, modular arithmetic and exponentiation with EVM semantics.
//
// Division picks the cheapest exact method: a single hardware division when
// both operands fit in 64 bits, a chain of 128÷64 divisions when only the
// divisor does, and Knuth's algorithm D (TAOCP vol. 2, §4.3.1) on normalised
// 64-bit limbs otherwise. The scratch limbs live in a fixed-size temporary
// allocation on the stack: nothing here touches the heap.

// MARK: - Division kernels

extension UInt256 {
  /// Number of significant limbs (0 for zero).
  @inlinable @inline(__always)
  var _limbCount: Int {
    w3 != 0 ? 4 : (w2 != 0 ? 3 : (w1 != 0 ? 2 : (w0 != 0 ? 1 : 0)))
  }

  /// Divides by a non-zero single limb with a chain of 128÷64 divisions.
  @inlinable
  func _quotientAndRemainder(dividingByLimb d: UInt64) -> (quotient: UInt256, remainder: UInt64) {
    var q = UInt256.zero
    var r: UInt64 = 0
    // Skip the leading zero limbs: each skipped step would be a wasted division.
    if w3 != 0 { (q.w3, r) = w3.quotientAndRemainder(dividingBy: d) }
    if (w3 | w2) != 0 { (q.w2, r) = d.dividingFullWidth((r, w2)) }
    if (w3 | w2 | w1) != 0 {
      (q.w1, r) = d.dividingFullWidth((r, w1))
      (q.w0, r) = d.dividingFullWidth((r, w0))
    } else {
      (q.w0, r) = w0.quotientAndRemainder(dividingBy: d)
    }
    return (q, r)
  }

  /// Knuth's algorithm D.
  ///
  /// - Parameters:
  ///   - u: the dividend, `uCount` limbs (least significant first) followed by
  ///     one spare limb; it is normalised in place and left holding scratch.
  ///   - uCount: the number of dividend limbs, at least `n`.
  ///   - v: the divisor; its top limb is limb `n - 1` and `n >= 2`.
  ///   - vn: scratch for the `n` normalised divisor limbs.
  ///   - q: receives the `uCount - n + 1` quotient limbs.
  /// - Returns: the remainder.
  @inlinable
  static func _knuthDivide(
    _ u: UnsafeMutablePointer<UInt64>, _ uCount: Int,
    _ v: UInt256, _ n: Int,
    _ vn: UnsafeMutablePointer<UInt64>,
    _ q: UnsafeMutablePointer<UInt64>
  ) -> UInt256 {
    // D1: normalise so that the divisor's top bit is set.
    let s = v[limb: n - 1].leadingZeroBitCount
    let vs = v << s
    vn[0] = vs.w0
    vn[1] = vs.w1
    vn[2] = vs.w2
    vn[3] = vs.w3
    if s != 0 {
      let back = UInt64(64 - s)
      let shift = UInt64(s)
      u[uCount] = u[uCount - 1] &>> back
      var i = uCount - 1
      while i > 0 {
        u[i] = (u[i] &<< shift) | (u[i - 1] &>> back)
        i -= 1
      }
      u[0] = u[0] &<< shift
    } else {
      u[uCount] = 0
    }

    let vTop = vn[n - 1]
    let vNext = vn[n - 2]
    var j = uCount - n
    while j >= 0 {
      // D3: estimate the quotient digit from the top two dividend limbs.
      let uTop = u[j + n]
      let uMid = u[j + n - 1]
      let uLow = u[j + n - 2]
      var qHat: UInt64
      var rHat: UInt64
      var rHatOverflow: Bool
      if uTop >= vTop {
        // The estimate would not fit in a limb: start from 2^64 - 1.
        qHat = .max
        (rHat, rHatOverflow) = uMid.addingReportingOverflow(vTop)
      } else {
        (qHat, rHat) = vTop.dividingFullWidth((uTop, uMid))
        rHatOverflow = false
      }
      // Refine: qHat is now at most two too large; the test below removes
      // almost every such case using the next divisor limb.
      while !rHatOverflow {
        let (ph, pl) = qHat.multipliedFullWidth(by: vNext)
        guard ph > rHat || (ph == rHat && pl > uLow) else { break }
        qHat &-= 1
        (rHat, rHatOverflow) = rHat.addingReportingOverflow(vTop)
      }

      // D4: multiply and subtract qHat * v from u[j ... j+n].
      var carry: UInt64 = 0
      var borrow: UInt64 = 0
      for i in 0..<n {
        let p = _mulAdd(qHat, vn[i], carry, 0)
        carry = p.high
        (u[i + j], borrow) = _subBorrow(u[i + j], p.low, borrow)
      }
      let (top, b1) = u[j + n].subtractingReportingOverflow(carry)
      let (top2, b2) = top.subtractingReportingOverflow(borrow)
      u[j + n] = top2

      // D5/D6: if the result went negative (rare), add the divisor back once.
      if b1 || b2 {
        qHat &-= 1
        var c: UInt64 = 0
        for i in 0..<n {
          (u[i + j], c) = _addCarry(u[i + j], vn[i], c)
        }
        u[j + n] = u[j + n] &+ c
      }
      q[j] = qHat
      j -= 1
    }

    // D8: the remainder is u[0 ..< n] shifted back.
    let r = UInt256(
      w0: u[0], w1: u[1], w2: n > 2 ? u[2] : 0, w3: n > 3 ? u[3] : 0)
    return r >> s
  }

  /// Knuth division of `self` by a divisor with at least two limbs; requires `self >= d`.
  @inlinable
  func _knuthQuotientAndRemainder(dividingBy d: UInt256) -> (
    quotient: UInt256, remainder: UInt256
  ) {
    let n = d._limbCount
    let uCount = _limbCount
    return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 13) { buffer in
      let base = buffer.baseAddress!
      let u = base  // 5 limbs
      let vn = base + 5  // 4 limbs
      let q = base + 9  // 4 limbs
      u[0] = w0
      u[1] = w1
      u[2] = w2
      u[3] = w3
      q[0] = 0
      q[1] = 0
      q[2] = 0
      q[3] = 0
      let r = UInt256._knuthDivide(u, uCount, d, n, vn, q)
      return (UInt256(w0: q[0], w1: q[1], w2: q[2], w3: q[3]), r)
    }
  }

  /// The remainder of the 512-bit value `high * 2^256 + low` modulo `m`,
  /// where `m` has at least two limbs.
  @inlinable
  static func _wideRemainder(high: UInt256, low: UInt256, modulo m: UInt256) -> UInt256 {
    let n = m._limbCount
    let highCount = high._limbCount
    let uCount = highCount == 0 ? Swift.max(low._limbCount, n) : 4 + highCount
    return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 21) { buffer in
      let base = buffer.baseAddress!
      let u = base  // 9 limbs
      let vn = base + 9  // 4 limbs
      let q = base + 13  // 8 limbs
      u[0] = low.w0
      u[1] = low.w1
      u[2] = low.w2
      u[3] = low.w3
      u[4] = high.w0
      u[5] = high.w1
      u[6] = high.w2
      u[7] = high.w3
      return _knuthDivide(u, uCount, m, n, vn, q)
    }
  }
}

// MARK: - Public division API

extension UInt256 {
  /// The quotient and remainder of unsigned division; both are zero when
  /// `divisor` is zero (EVM `DIV`/`MOD` semantics).
  @inlinable
  public func quotientAndRemainder(dividingBy divisor: UInt256) -> (
    quotient: UInt256, remainder: UInt256
  ) {
    if divisor.fitsInUInt64 {
      let d = divisor.w0
      if d == 0 { return (.zero, .zero) }
      if fitsInUInt64 {
        let (q, r) = w0.quotientAndRemainder(dividingBy: d)
        return (UInt256(q), UInt256(r))
      }
      let (q, r) = _quotientAndRemainder(dividingByLimb: d)
      return (q, UInt256(r))
    }
    if self < divisor { return (.zero, self) }
    return _knuthQuotientAndRemainder(dividingBy: divisor)
  }

  /// Unsigned quotient, rounded towards zero; zero when `divisor` is zero (EVM `DIV`).
  @inlinable
  public func quotient(dividingBy divisor: UInt256) -> UInt256 {
    quotientAndRemainder(dividingBy: divisor).quotient
  }

  /// Unsigned remainder; zero when `divisor` is zero (EVM `MOD`).
  @inlinable
  public func remainder(dividingBy divisor: UInt256) -> UInt256 {
    quotientAndRemainder(dividingBy: divisor).remainder
  }

  /// `(self + b) mod m` computed exactly on the 257-bit sum; zero when `m` is zero (EVM `ADDMOD`).
  @inlinable
  public func addMod(_ b: UInt256, _ m: UInt256) -> UInt256 {
    if m.isZero { return .zero }
    var x = self
    var y = b
    if !(x < m && y < m) {
      // Reduce both operands first so the sum is below 2m < 2^257.
      let (sum, carry) = x.addingReportingOverflow(y)
      if !carry { return sum.remainder(dividingBy: m) }
      x = x.remainder(dividingBy: m)
      y = y.remainder(dividingBy: m)
    }
    // Here x, y < m, so x + y < 2m and one conditional subtraction finishes.
    let (sum, carry) = x.addingReportingOverflow(y)
    if carry || !(sum < m) { return sum &- m }
    return sum
  }

  /// `(self * b) mod m` computed exactly on the 512-bit product; zero when `m` is zero (EVM `MULMOD`).
  @inlinable
  public func mulMod(_ b: UInt256, _ m: UInt256) -> UInt256 {
    if m.isZero { return .zero }
    let (high, low) = multipliedFullWidth(by: b)
    if high.isZero { return low.remainder(dividingBy: m) }
    if m.fitsInUInt64 {
      // Reduce high half first (high mod m), then fold in the low limbs.
      let d = m.w0
      var r = high._quotientAndRemainder(dividingByLimb: d).remainder
      (_, r) = d.dividingFullWidth((r, low.w3))
      (_, r) = d.dividingFullWidth((r, low.w2))
      (_, r) = d.dividingFullWidth((r, low.w1))
      (_, r) = d.dividingFullWidth((r, low.w0))
      return UInt256(r)
    }
    return UInt256._wideRemainder(high: high, low: low, modulo: m)
  }

  /// `self ** exponent` modulo 2^256 by binary square-and-multiply (EVM `EXP`); `0 ** 0 == 1`.
  @inlinable
  public func power(_ exponent: UInt256) -> UInt256 {
    var remaining = exponent.bitWidth
    if remaining == 0 { return .one }
    // Cheap bases: 0, 1 and 2 (2 ** e is a shift).
    if fitsInUInt64 && w0 <= 2 {
      if w0 < 2 { return self }
      return exponent.fitsInUInt64 && exponent.w0 < 256 ? UInt256.one << Int(exponent.w0) : .zero
    }
    var result = UInt256.one
    var base = self
    var limbIndex = 0
    while remaining > 0 {
      var e = exponent[limb: limbIndex]
      var bits = Swift.min(64, remaining)
      remaining -= bits
      while bits > 0 {
        if e & 1 != 0 { result = result &* base }
        e &>>= 1
        bits -= 1
        if bits > 0 || remaining > 0 { base = base &* base }
      }
      limbIndex += 1
    }
    return result
  }
}
