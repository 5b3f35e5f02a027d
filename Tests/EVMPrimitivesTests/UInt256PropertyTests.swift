import BigInt
import EVMPrimitives
import Testing

/// Every word operation compared against BigInt on thousands of seeded, edge-biased operands.
@Suite struct UInt256PropertyTests {
  static let count = 4000

  private func describe(_ a: UInt256, _ b: UInt256) -> String {
    "a=\(a.hexWord) b=\(b.hexWord)"
  }

  @Test func additionAndSubtraction() {
    var c = PropertyChecker(seed: Operands.seed)
    for (a, b, _) in Operands.triples(Self.count, salt: 1) {
      let (x, y) = (Oracle.big(a), Oracle.big(b))
      let sum = a.addingReportingOverflow(b)
      c.check(sum.partialValue == Oracle.word(x + y), "add \(describe(a, b))")
      c.check(sum.overflow == (x + y >= Oracle.modulus), "add overflow \(describe(a, b))")
      c.check(a &+ b == Oracle.word(x + y), "&+ \(describe(a, b))")
      let diff = a.subtractingReportingOverflow(b)
      c.check(diff.partialValue == Oracle.word(x + Oracle.modulus - y), "sub \(describe(a, b))")
      c.check(diff.overflow == (x < y), "sub overflow \(describe(a, b))")
      c.check(a &- b == Oracle.word(x + Oracle.modulus - y), "&- \(describe(a, b))")
      c.check(a.negated == Oracle.word(Oracle.modulus - x), "negated \(describe(a, b))")
    }
    c.finish()
  }

  @Test func multiplication() {
    var c = PropertyChecker(seed: Operands.seed)
    for (a, b, _) in Operands.triples(Self.count, salt: 2) {
      let product = Oracle.big(a) * Oracle.big(b)
      c.check(a &* b == Oracle.word(product), "&* \(describe(a, b))")
      let reporting = a.multipliedReportingOverflow(by: b)
      c.check(reporting.partialValue == Oracle.word(product), "mul partial \(describe(a, b))")
      c.check(reporting.overflow == (product >= Oracle.modulus), "mul overflow \(describe(a, b))")
      let full = a.multipliedFullWidth(by: b)
      c.check(full.low == Oracle.word(product), "full low \(describe(a, b))")
      c.check(full.high == Oracle.word(product >> 256), "full high \(describe(a, b))")
      let square = Oracle.big(a) * Oracle.big(a)
      c.check(a.power(UInt256(2)) == Oracle.word(square), "square \(describe(a, b))")
      c.check(a.power(UInt256(3)) == Oracle.word(square * Oracle.big(a)), "cube \(describe(a, b))")
    }
    c.finish()
  }

  @Test func unsignedDivision() {
    var c = PropertyChecker(seed: Operands.seed)
    for (a, b, _) in Operands.triples(Self.count, salt: 3) {
      let (x, y) = (Oracle.big(a), Oracle.big(b))
      let q = y.isZero ? .zero : Oracle.word(x / y)
      let r = y.isZero ? .zero : Oracle.word(x % y)
      c.check(a.quotient(dividingBy: b) == q, "div \(describe(a, b))")
      c.check(a.remainder(dividingBy: b) == r, "mod \(describe(a, b))")
      let qr = a.quotientAndRemainder(dividingBy: b)
      c.check(qr.quotient == q && qr.remainder == r, "divmod \(describe(a, b))")
    }
    c.finish()
  }

  @Test func singleLimbDivisorsAndModuli() {
    var c = PropertyChecker(seed: Operands.seed)
    var rng = SplitMix64(seed: Operands.seed ^ 12)
    for (a, b, _) in Operands.triples(Self.count, salt: 12) {
      // Divisors of every bit length up to 64, including 2^63 and 2^64 - 1.
      let d =
        rng.next() % 4 == 0
        ? Operands.limbPatterns.randomElement(using: &rng)! : rng.next() >> (rng.next() % 64)
      let divisor = UInt256(d == 0 ? 1 : d)
      let (x, y, z) = (Oracle.big(a), Oracle.big(b), Oracle.big(divisor))
      let qr = a.quotientAndRemainder(dividingBy: divisor)
      c.check(qr.quotient == Oracle.word(x / z), "div64 \(describe(a, divisor))")
      c.check(qr.remainder == Oracle.word(x % z), "mod64 \(describe(a, divisor))")
      c.check(
        a.mulMod(b, divisor) == Oracle.word((x * y) % z),
        "mulmod64 \(describe(a, b)) m=\(divisor.hexWord)")
      c.check(
        a.addMod(b, divisor) == Oracle.word((x + y) % z),
        "addmod64 \(describe(a, b)) m=\(divisor.hexWord)")
    }
    c.finish()
  }

  @Test func signedDivision() {
    var c = PropertyChecker(seed: Operands.seed)
    for (a, b, _) in Operands.triples(Self.count, salt: 4) {
      let (x, y) = (Oracle.signed(a), Oracle.signed(b))
      var q = BigInt(0)
      var r = BigInt(0)
      if !y.isZero {
        // Truncating division: quotient rounds towards zero, remainder has the dividend's sign.
        let mq = x.magnitude / y.magnitude
        let mr = x.magnitude % y.magnitude
        q = (x < 0) != (y < 0) ? -BigInt(mq) : BigInt(mq)
        r = x < 0 ? -BigInt(mr) : BigInt(mr)
      }
      c.check(a.signedQuotient(dividingBy: b) == Oracle.word(signed: q), "sdiv \(describe(a, b))")
      c.check(a.signedRemainder(dividingBy: b) == Oracle.word(signed: r), "smod \(describe(a, b))")
    }
    c.finish()
  }

  @Test func modularArithmetic() {
    var c = PropertyChecker(seed: Operands.seed)
    for (a, b, m) in Operands.triples(Self.count, salt: 5) {
      let (x, y, z) = (Oracle.big(a), Oracle.big(b), Oracle.big(m))
      let add = z.isZero ? .zero : Oracle.word((x + y) % z)
      let mul = z.isZero ? .zero : Oracle.word((x * y) % z)
      c.check(a.addMod(b, m) == add, "addmod \(describe(a, b)) m=\(m.hexWord)")
      c.check(a.mulMod(b, m) == mul, "mulmod \(describe(a, b)) m=\(m.hexWord)")
    }
    c.finish()
  }

  @Test func exponentiation() {
    var c = PropertyChecker(seed: Operands.seed)
    // Full-width exponents are costly for the oracle, so fewer of them.
    for (a, b, _) in Operands.triples(Self.count / 8, salt: 6) {
      let expected = Oracle.big(a).power(Oracle.big(b), modulus: Oracle.modulus)
      c.check(a.power(b) == Oracle.word(expected), "exp \(describe(a, b))")
    }
    for (a, b, _) in Operands.triples(Self.count, salt: 7) {
      let e = UInt256(b.w0 % 70)
      let expected = Oracle.big(a).power(Int(e.w0))
      c.check(a.power(e) == Oracle.word(expected), "exp small \(describe(a, e))")
    }
    c.finish()
  }

  @Test func bitwiseLogic() {
    var c = PropertyChecker(seed: Operands.seed)
    for (a, b, _) in Operands.triples(Self.count, salt: 8) {
      let (x, y) = (Oracle.big(a), Oracle.big(b))
      c.check(a & b == Oracle.word(x & y), "and \(describe(a, b))")
      c.check(a | b == Oracle.word(x | y), "or \(describe(a, b))")
      c.check(a ^ b == Oracle.word(x ^ y), "xor \(describe(a, b))")
      c.check(~a == Oracle.word(Oracle.mask - x), "not \(describe(a, b))")
    }
    c.finish()
  }

  @Test func shifts() {
    var c = PropertyChecker(seed: Operands.seed)
    for (a, b, _) in Operands.triples(Self.count, salt: 9) {
      let x = Oracle.big(a)
      let sx = Oracle.signed(a)
      // Both the raw operand (usually huge) and a count folded into 0..<300.
      for n in [b, UInt256(b.w0 % 300)] {
        let big = n.fitsInUInt64 && n.w0 < 256 ? Int(n.w0) : 256
        let shl = big >= 256 ? UInt256.zero : Oracle.word(x << big)
        let shr = big >= 256 ? UInt256.zero : Oracle.word(x >> big)
        // Arithmetic shift rounds towards negative infinity.
        let sar: BigInt
        if big >= 256 {
          sar = sx < 0 ? -1 : 0
        } else {
          let p = BigInt(1) << big
          sar = sx < 0 ? -((-sx + p - 1) / p) : sx / p
        }
        c.check(a.shiftedLeft(by: n) == shl, "shl \(describe(a, n))")
        c.check(a.shiftedRight(by: n) == shr, "shr \(describe(a, n))")
        c.check(
          a.arithmeticShiftedRight(by: n) == Oracle.word(signed: sar), "sar \(describe(a, n))")
        if big < 256 {
          c.check(a << big == shl, "<< \(describe(a, n))")
          c.check(a >> big == shr, ">> \(describe(a, n))")
          c.check(a << -big == shr, "<< negative \(describe(a, n))")
          c.check(a >> -big == shl, ">> negative \(describe(a, n))")
        }
      }
    }
    c.finish()
  }

  @Test func byteSignExtendAndLeadingZeros() {
    var c = PropertyChecker(seed: Operands.seed)
    for (a, b, _) in Operands.triples(Self.count, salt: 10) {
      let x = Oracle.big(a)
      for i in [b, UInt256(b.w0 % 40)] {
        let index = i.fitsInUInt64 && i.w0 < 64 ? Int(i.w0) : 64
        let byte = index >= 32 ? UInt256.zero : Oracle.word((x >> (8 * (31 - index))) & 0xFF)
        c.check(a.byte(at: i) == byte, "byte \(describe(a, i))")
        let extended: UInt256
        if index >= 31 {
          extended = a
        } else {
          let bits = 8 * index + 8
          let low = x & ((BigUInt(1) << bits) - 1)
          let negative = low >= BigUInt(1) << (bits - 1)
          extended = Oracle.word(negative ? low + Oracle.modulus - (BigUInt(1) << bits) : low)
        }
        c.check(a.signExtended(fromByte: i) == extended, "signextend \(describe(a, i))")
      }
      c.check(a.leadingZeroBitCount == 256 - x.bitWidth, "clz a=\(a.hexWord)")
      c.check(a.isNegative == (x >= Oracle.signBit), "isNegative a=\(a.hexWord)")
    }
    c.finish()
  }

  @Test func comparisons() {
    var c = PropertyChecker(seed: Operands.seed)
    for (a, b, _) in Operands.triples(Self.count, salt: 11) {
      let (x, y) = (Oracle.big(a), Oracle.big(b))
      let (sx, sy) = (Oracle.signed(a), Oracle.signed(b))
      c.check((a < b) == (x < y), "lt \(describe(a, b))")
      c.check(a.signedLessThan(b) == (sx < sy), "slt \(describe(a, b))")
      c.check(a.signedGreaterThan(b) == (sx > sy), "sgt \(describe(a, b))")
      c.check(a.signedLessThan(a) == false, "slt self \(describe(a, b))")
    }
    c.finish()
  }
}
