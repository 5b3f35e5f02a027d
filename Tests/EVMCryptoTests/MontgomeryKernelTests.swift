// The straight-line four- and six-limb Montgomery kernels against the
// generic loops they replace and against a reference that knows nothing of
// Montgomery form (shift-and-add modular multiplication), on random and edge
// inputs, including the unreduced sums below 2p that the products accept.
#if DEBUG
  @testable import EVMCrypto
  import Testing

  @Suite struct MontgomeryKernelTests {
    /// `a + b` over the limbs, with the carry out.
    static func add<L: LimbStorage>(_ a: L, _ b: L) -> (L, UInt64) {
      var s = L(repeating: 0)
      var carry: UInt64 = 0
      for i in 0..<L.count { s[i] = addc(a[i], b[i], &carry) }
      return (s, carry)
    }

    /// `a - b` over the limbs, with the borrow out.
    static func subtract<L: LimbStorage>(_ a: L, _ b: L) -> (L, UInt64) {
      var d = L(repeating: 0)
      var borrow: UInt64 = 0
      for i in 0..<L.count { d[i] = subb(a[i], b[i], &borrow) }
      return (d, borrow)
    }

    static func isLess<L: LimbStorage>(_ a: L, _ b: L) -> Bool { subtract(a, b).1 == 1 }

    static func equal<L: LimbStorage>(_ a: L, _ b: L) -> Bool {
      (0..<L.count).allSatisfy { a[$0] == b[$0] }
    }

    /// `a mod p` for `a < 2p`.
    static func reduced<M: MontgomeryModulus>(_ a: M.LimbArray, _: M.Type) -> M.LimbArray {
      isLess(a, M.modulus) ? a : subtract(a, M.modulus).0
    }

    /// `a b mod p` by shift-and-add, for `a, b < 2p`.
    static func referenceProduct<M: MontgomeryModulus>(
      _ a: M.LimbArray, _ b: M.LimbArray, _: M.Type
    ) -> M.LimbArray {
      let a = reduced(a, M.self)
      let b = reduced(b, M.self)
      let p = M.modulus
      func addMod(_ x: M.LimbArray, _ y: M.LimbArray) -> M.LimbArray {
        let (s, carry) = add(x, y)
        return carry == 0 && isLess(s, p) ? s : subtract(s, p).0
      }
      var r = M.LimbArray(repeating: 0)
      for limb in stride(from: M.LimbArray.count - 1, through: 0, by: -1) {
        for bit in stride(from: 63, through: 0, by: -1) {
          r = addMod(r, r)
          if (b[limb] >> UInt64(bit)) & 1 == 1 { r = addMod(r, a) }
        }
      }
      return r
    }

    /// `x R^-1 mod p` checked through `x == y R^-1`, i.e. `x R == y` (mod p).
    static func isMontgomeryQuotient<M: MontgomeryModulus>(
      _ x: M.LimbArray, of y: M.LimbArray, _: M.Type
    ) -> Bool {
      equal(referenceProduct(x, M.rModP, M.self), reduced(y, M.self))
    }

    /// Random values below p, edge values, and unreduced values below 2p.
    static func inputs<M: MontgomeryModulus>(_: M.Type, count: Int) -> (
      reduced: [M.LimbArray], unreduced: [M.LimbArray]
    ) {
      let n = M.LimbArray.count
      let p = M.modulus
      func limbs(_ words: [UInt64]) -> M.LimbArray {
        var l = M.LimbArray(repeating: 0)
        for i in 0..<n { l[i] = words[i] }
        return l
      }
      func small(_ v: UInt64) -> M.LimbArray { limbs([v] + [UInt64](repeating: 0, count: n - 1)) }
      let pMinus1 = subtract(p, small(1)).0
      let pMinus2 = subtract(p, small(2)).0
      // 2^k - 1 for the largest k with 2^k < p, and 2^(k-1).
      let bits = 64 * n - p[n - 1].leadingZeroBitCount
      var allOnes = M.LimbArray(repeating: 0)
      var topBit = M.LimbArray(repeating: 0)
      for i in 0..<(bits - 1) { allOnes[i / 64] |= 1 << UInt64(i % 64) }
      topBit[(bits - 2) / 64] = 1 << UInt64((bits - 2) % 64)
      var alternating = M.LimbArray(repeating: 0)
      for i in 0..<n { alternating[i] = 0x5555_5555_5555_5555 }
      alternating[n - 1] >>= UInt64(65 - bits % 64)  // below p's top limb (bits % 64 != 0)
      var edge = [
        small(0), small(1), small(2), pMinus1, pMinus2, allOnes, topBit, alternating, M.rModP,
        M.r2ModP,
      ]
      // Single words in every position.
      for i in 0..<n {
        var w = M.LimbArray(repeating: 0)
        w[i] = i == n - 1 ? p[n - 1] - 1 : UInt64.max
        edge.append(w)
      }
      var stream = ElementStream(state: UInt64(n) &* 0x9e37_79b9)
      var random: [M.LimbArray] = []
      for _ in 0..<count {
        let e: MontgomeryField<M> = stream.element()
        random.append(e.limbs)
      }
      // Full-size values below p: p minus a random value with a small top limb.
      for _ in 0..<count / 4 {
        var r = limbs((0..<n).map { _ in stream.next() })
        r[n - 1] >>= 8
        random.append(subtract(p, r).0)
      }
      let reducedValues = edge + random
      // a + b below 2p, including p, p + 1 and 2p - 1.
      var unreducedValues = [p, add(p, small(1)).0, add(p, pMinus1).0, add(pMinus1, pMinus2).0]
      for i in 0..<reducedValues.count {
        unreducedValues.append(
          add(reducedValues[i], reducedValues[(i * 7 + 3) % reducedValues.count]).0)
      }
      return (reducedValues, unreducedValues)
    }

    static func check<M: MontgomeryModulus>(_: M.Type) {
      let (reducedValues, unreducedValues) = inputs(M.self, count: 120)
      let all = reducedValues + unreducedValues
      var checked = 0
      for (i, a) in all.enumerated() {
        let b = all[(i * 13 + 5) % all.count]
        let product = M.montgomeryProduct(a, b)
        #expect(equal(product, M.loopedMontgomeryProduct(a, b)))
        #expect(isLess(product, M.modulus))
        #expect(isMontgomeryQuotient(product, of: referenceProduct(a, b, M.self), M.self))
        let square = M.montgomerySquare(a)
        #expect(equal(square, M.loopedMontgomeryProduct(a, a)))
        #expect(isLess(square, M.modulus))
        #expect(isMontgomeryQuotient(square, of: referenceProduct(a, a, M.self), M.self))
        checked += 1
      }
      for (i, a0) in reducedValues.enumerated() {
        let b0 = reducedValues[(i * 5 + 1) % reducedValues.count]
        let a1 = reducedValues[(i * 11 + 2) % reducedValues.count]
        let b1 = reducedValues[(i * 3 + 7) % reducedValues.count]
        let sum = M.montgomerySumOfProducts(a0, b0, a1, b1)
        #expect(equal(sum, M.loopedMontgomerySumOfProducts(a0, b0, a1, b1)))
        #expect(isLess(sum, M.modulus))
        let (expected, _) = add(
          referenceProduct(a0, b0, M.self), referenceProduct(a1, b1, M.self))
        #expect(isMontgomeryQuotient(sum, of: expected, M.self))
        let complex = M.montgomeryComplexProduct(a0, a1, b0, b1)
        let negatedB1 = (-MontgomeryField<M>(montgomery: b1)).limbs
        #expect(equal(complex.real, M.loopedMontgomerySumOfProducts(a0, b0, a1, negatedB1)))
        #expect(equal(complex.imaginary, M.loopedMontgomerySumOfProducts(a0, b1, a1, b0)))
        checked += 1
      }
      #expect(checked == all.count + reducedValues.count)
      #expect(checked > 300)
    }

    @Test func bn254KernelsMatchReference() { Self.check(BN254.BaseModulus.self) }

    @Test func bls12381KernelsMatchReference() { Self.check(BLS12381.BaseModulus.self) }

    /// The reference itself, on values small enough to check by hand.
    @Test func referenceProductIsRight() {
      typealias M = BN254.BaseModulus
      var a = M.LimbArray(repeating: 0)
      var b = M.LimbArray(repeating: 0)
      a[0] = 0xffff_ffff_ffff_ffff
      b[0] = 0xffff_ffff_ffff_ffff
      let r = Self.referenceProduct(a, b, M.self)
      // (2^64 - 1)^2 = 2^128 - 2^65 + 1 < p.
      #expect(r[0] == 1 && r[1] == 0xffff_ffff_ffff_fffe && r[2] == 0 && r[3] == 0)
      // (p - 1)^2 = 1 mod p.
      var one = M.LimbArray(repeating: 0)
      one[0] = 1
      let minusOne = Self.subtract(M.modulus, one).0
      #expect(Self.equal(Self.referenceProduct(minusOne, minusOne, M.self), one))
    }
  }
#endif
