import BigInt
import EVMPrimitives
import Testing

/// Hand-picked EVM corner cases with known answers.
@Suite struct UInt256EdgeCaseTests {
  static let signMin = UInt256(w0: 0, w1: 0, w2: 0, w3: 1 << 63)  // -2^255
  static let minusOne = UInt256.max

  static func neg(_ v: UInt64) -> UInt256 { UInt256(v).negated }

  @Test func divisionByZeroIsZero() {
    for a in [UInt256.zero, .one, .max, Self.signMin, UInt256(w0: 5, w1: 6, w2: 7, w3: 8)] {
      #expect(a.quotient(dividingBy: .zero) == .zero)
      #expect(a.remainder(dividingBy: .zero) == .zero)
      #expect(a.quotientAndRemainder(dividingBy: .zero) == (.zero, .zero))
      #expect(a.signedQuotient(dividingBy: .zero) == .zero)
      #expect(a.signedRemainder(dividingBy: .zero) == .zero)
      #expect(a.addMod(.max, .zero) == .zero)
      #expect(a.mulMod(.max, .zero) == .zero)
    }
  }

  @Test func signedDivisionOverflowAndSigns() {
    #expect(Self.signMin.signedQuotient(dividingBy: Self.minusOne) == Self.signMin)
    #expect(Self.signMin.signedRemainder(dividingBy: Self.minusOne) == .zero)
    #expect(Self.signMin.signedQuotient(dividingBy: .one) == Self.signMin)
    #expect(Self.neg(7).signedQuotient(dividingBy: UInt256(3)) == Self.neg(2))
    #expect(UInt256(7).signedQuotient(dividingBy: Self.neg(3)) == Self.neg(2))
    #expect(Self.neg(7).signedQuotient(dividingBy: Self.neg(3)) == UInt256(2))
    #expect(Self.neg(7).signedRemainder(dividingBy: UInt256(3)) == Self.neg(1))
    #expect(UInt256(7).signedRemainder(dividingBy: Self.neg(3)) == UInt256(1))
    #expect(Self.neg(7).signedRemainder(dividingBy: Self.neg(3)) == Self.neg(1))
    #expect(Self.neg(6).signedRemainder(dividingBy: UInt256(3)) == .zero)
  }

  @Test func addModPastTwoTo256() {
    #expect(UInt256.max.addMod(.max, .max) == .zero)
    #expect(UInt256.max.addMod(.one, UInt256(7)) == UInt256(2))  // 2^256 ≡ 2 (mod 7)
    let m = UInt256.max &- .one
    #expect(UInt256.max.addMod(.max, m) == UInt256(2))
    #expect(UInt256(3).addMod(UInt256(4), UInt256(5)) == UInt256(2))
    let big = UInt256(w0: 0, w1: 0, w2: 0, w3: 1 << 63)
    #expect(big.addMod(big, UInt256(w0: 1, w1: 0, w2: 0, w3: 1 << 63)) == big &- .one)
  }

  @Test func mulModWithFull512BitProduct() {
    let m = UInt256.max &- .one
    #expect(UInt256.max.mulMod(.max, m) == .one)
    #expect(UInt256.max.mulMod(.max, .max) == .zero)
    #expect(Self.signMin.mulMod(UInt256(2), .max) == .one)
    #expect(UInt256.max.mulMod(.max, UInt256(12345)) == expectedMulMod(.max, .max, UInt256(12345)))
    let m3 = UInt256(w0: 0x1234_5678, w1: 0x9ABC_DEF0, w2: 0x0FED_CBA9, w3: 0)
    #expect(UInt256.max.mulMod(Self.signMin, m3) == expectedMulMod(.max, Self.signMin, m3))
    let m2 = UInt256(w0: .max, w1: 1, w2: 0, w3: 0)
    #expect(
      UInt256.max.mulMod(.max &- UInt256(5), m2) == expectedMulMod(.max, .max &- UInt256(5), m2))
  }

  private func expectedMulMod(_ a: UInt256, _ b: UInt256, _ m: UInt256) -> UInt256 {
    Oracle.word((Oracle.big(a) * Oracle.big(b)) % Oracle.big(m))
  }

  @Test func fullWidthProduct() {
    let full = UInt256.max.multipliedFullWidth(by: .max)
    #expect(full.high == UInt256.max &- .one)
    #expect(full.low == .one)
    #expect(UInt256.max.multipliedReportingOverflow(by: UInt256(2)) == (UInt256.max &- .one, true))
    #expect(Self.signMin.multipliedReportingOverflow(by: .one) == (Self.signMin, false))
  }

  @Test func knuthAddBackCases() {
    // Dividends whose first quotient-digit estimate is too large, forcing the
    // rare "add back" step of algorithm D, plus their neighbours.
    let half: UInt64 = 1 << 63
    let cases: [(UInt256, UInt256)] = [
      (UInt256(w0: 0, w1: 0, w2: half, w3: half - 1), UInt256(w0: 1, w1: 0, w2: half, w3: 0)),
      (
        UInt256(w0: 0, w1: half - 1, w2: half, w3: half - 1), UInt256(w0: 1, w1: half, w2: 0, w3: 0)
      ),
      (
        UInt256(w0: 3, w1: 0, w2: half, w3: 0),
        UInt256(w0: 1, w1: 0, w2: 0, w3: 0x2000_0000_0000_0000) >> 64
      ),
      (UInt256(w0: 0, w1: 0, w2: 0, w3: half), UInt256(w0: 1, w1: 0, w2: half, w3: 0)),
      (.max, UInt256(w0: 1, w1: 0, w2: 0, w3: half)),
      (.max, UInt256(w0: .max, w1: .max, w2: .max, w3: half - 1)),
    ]
    for (a, b) in cases {
      let (x, y) = (Oracle.big(a), Oracle.big(b))
      let qr = a.quotientAndRemainder(dividingBy: b)
      #expect(qr.quotient == Oracle.word(x / y), "a=\(a.hexWord) b=\(b.hexWord)")
      #expect(qr.remainder == Oracle.word(x % y), "a=\(a.hexWord) b=\(b.hexWord)")
    }
  }

  @Test func exponentiation() {
    #expect(UInt256.zero.power(.zero) == .one)
    #expect(UInt256.max.power(.zero) == .one)
    #expect(UInt256.zero.power(UInt256(5)) == .zero)
    #expect(UInt256.zero.power(.max) == .zero)
    #expect(UInt256.one.power(.max) == .one)
    #expect(UInt256(2).power(UInt256(255)) == Self.signMin)
    #expect(UInt256(2).power(UInt256(256)) == .zero)
    #expect(UInt256(2).power(UInt256(w0: 0, w1: 1, w2: 0, w3: 0)) == .zero)
    #expect(UInt256.max.power(UInt256(2)) == .one)  // (-1)^2
    #expect(UInt256.max.power(.max) == .max)  // (-1)^odd
    #expect(UInt256(3).power(UInt256(3)) == UInt256(27))
    #expect(UInt256(10).power(UInt256(18)) == UInt256(1_000_000_000_000_000_000))
    let e = UInt256(w0: 0xDEAD_BEEF, w1: 0x1234, w2: 0, w3: 1 << 62)
    let expected = Oracle.big(UInt256(3)).power(Oracle.big(e), modulus: Oracle.modulus)
    #expect(UInt256(3).power(e) == Oracle.word(expected))
  }

  @Test func shiftsAtBoundaries() {
    let x = UInt256(w0: 0x0123_4567_89AB_CDEF, w1: 0xFEDC_BA98_7654_3210, w2: 7, w3: 1 << 63)
    let huge = UInt256(w0: 1, w1: 1, w2: 0, w3: 0)  // 2^64 + 1
    #expect(x.shiftedLeft(by: .zero) == x)
    #expect(x.shiftedRight(by: .zero) == x)
    #expect(x.arithmeticShiftedRight(by: .zero) == x)
    #expect(UInt256.one.shiftedLeft(by: UInt256(255)) == Self.signMin)
    #expect(x.shiftedRight(by: UInt256(255)) == .one)
    #expect(x.arithmeticShiftedRight(by: UInt256(255)) == .max)
    #expect(
      x.arithmeticShiftedRight(by: UInt256(64)) == UInt256(w0: x.w1, w1: 7, w2: 1 << 63, w3: .max))
    for n in [UInt256(256), UInt256(257), huge, .max] {
      #expect(x.shiftedLeft(by: n) == .zero)
      #expect(x.shiftedRight(by: n) == .zero)
      #expect(x.arithmeticShiftedRight(by: n) == .max)
      #expect(UInt256(12345).arithmeticShiftedRight(by: n) == .zero)
    }
    #expect(x << 0 == x && x >> 0 == x)
    #expect(x << 256 == .zero && x >> 256 == .zero)
    #expect(x << Int.max == .zero && x >> Int.min == .zero)
    #expect(x << 64 == UInt256(w0: 0, w1: x.w0, w2: x.w1, w3: x.w2))
    #expect(x >> 128 == UInt256(w0: 7, w1: 1 << 63, w2: 0, w3: 0))
  }

  @Test func signExtend() {
    #expect(UInt256(0xFF).signExtended(fromByte: .zero) == .max)
    #expect(UInt256(0x7F).signExtended(fromByte: .zero) == UInt256(0x7F))
    #expect(UInt256(0x1_80).signExtended(fromByte: .zero) == Self.neg(0x80))
    #expect(UInt256(0x80_00).signExtended(fromByte: .one) == Self.neg(0x8000))
    let x = UInt256(w0: 0x1234, w1: 0, w2: 0, w3: 0xAB80_0000_0000_0000)  // byte 30 = 0x80
    let expected = UInt256(w0: 0x1234, w1: 0, w2: 0, w3: 0xFF80_0000_0000_0000)
    #expect(x.signExtended(fromByte: UInt256(30)) == expected)
    #expect(
      UInt256(w0: 5, w1: 0, w2: 0, w3: 0x0040_0000_0000_0000).signExtended(fromByte: UInt256(30))
        == UInt256(w0: 5, w1: 0, w2: 0, w3: 0x0040_0000_0000_0000))
    for b in [UInt256(31), UInt256(32), UInt256(w0: 0, w1: 1, w2: 0, w3: 0), .max] {
      #expect(x.signExtended(fromByte: b) == x)
      #expect(UInt256(0xFF).signExtended(fromByte: b) == UInt256(0xFF))
    }
  }

  @Test func byteIndexing() {
    var bytes = [UInt8](repeating: 0, count: 32)
    for i in 0..<32 { bytes[i] = UInt8(i + 1) }
    let x = UInt256(bigEndian: bytes)
    for i in 0..<32 { #expect(x.byte(at: UInt256(i)) == UInt256(i + 1)) }
    #expect(x.byte(at: UInt256(31)) == UInt256(32))
    #expect(x.byte(at: UInt256(32)) == .zero)
    #expect(x.byte(at: UInt256(w0: 0, w1: 1, w2: 0, w3: 0)) == .zero)
    #expect(x.byte(at: .max) == .zero)
  }

  @Test func leadingZeros() {
    #expect(UInt256.zero.leadingZeroBitCount == 256)
    #expect(UInt256.one.leadingZeroBitCount == 255)
    #expect(UInt256.max.leadingZeroBitCount == 0)
    #expect(Self.signMin.leadingZeroBitCount == 0)
    #expect(UInt256(w0: 0, w1: 1, w2: 0, w3: 0).leadingZeroBitCount == 191)
    #expect(UInt256(w0: 0, w1: 0, w2: 0, w3: 1).leadingZeroBitCount == 63)
  }

  @Test func signedComparisons() {
    #expect(Self.minusOne.signedLessThan(.zero))
    #expect(Self.signMin.signedLessThan(Self.minusOne))
    #expect(!UInt256.zero.signedLessThan(Self.minusOne))
    #expect(UInt256.one.signedGreaterThan(Self.minusOne))
    #expect((Self.signMin &- .one).signedGreaterThan(Self.signMin))
    #expect(Self.signMin.isNegative && !(Self.signMin &- .one).isNegative)
    #expect(!UInt256.zero.signedLessThan(.zero) && !UInt256.zero.signedGreaterThan(.zero))
  }

  @Test func decimalParsing() {
    let maxText = "115792089237316195423570985008687907853269984665640564039457584007913129639935"
    #expect(UInt256(decimal: maxText) == .max)
    #expect(
      UInt256(
        decimal: "115792089237316195423570985008687907853269984665640564039457584007913129639936")
        == nil)
    #expect(UInt256(decimal: maxText + "0") == nil)
    #expect(UInt256(decimal: "0") == .zero)
    #expect(UInt256(decimal: "18446744073709551616") == UInt256(w0: 0, w1: 1, w2: 0, w3: 0))
    #expect(UInt256(decimal: "12a") == nil)
    #expect(UInt256(decimal: "") == nil)
    var rng = SplitMix64(seed: Operands.seed ^ 13)
    for _ in 0..<500 {
      let x = Operands.value(&rng)
      #expect(UInt256(decimal: String(Oracle.big(x))) == x)
    }
  }

  @Test func splitMixIsDeterministic() {
    var a = SplitMix64(seed: 42)
    var b = SplitMix64(seed: 42)
    let xs = (0..<8).map { _ in a.next() }
    let ys = (0..<8).map { _ in b.next() }
    #expect(xs == ys)
    #expect(Set(xs).count == 8)
  }
}
