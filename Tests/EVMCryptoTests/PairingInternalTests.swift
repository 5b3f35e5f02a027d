// Cross-checks of the generic field, tower, point and Miller-loop code
// shared by BN254 and BLS12-381 against slower direct definitions. Needs
// `@testable` access, so only in debug builds.
#if DEBUG
  import EVMPrimitives
  @testable import EVMCrypto
  import Testing

  /// A deterministic stream of field elements.
  struct ElementStream {
    var state: UInt64

    mutating func next() -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return state
    }

    /// An element built from random limbs (the top limb kept small, so below p).
    mutating func element<M: MontgomeryModulus>(_: M.Type = M.self) -> MontgomeryField<M> {
      var limbs = M.LimbArray(repeating: 0)
      for i in 0..<M.LimbArray.count { limbs[i] = next() }
      limbs[M.LimbArray.count - 1] >>= 8
      return MontgomeryField(integer: limbs)
    }

    mutating func fp2<T: PairingTower>(_: T.Type = T.self) -> TowerFp2<T> {
      TowerFp2(element(), element())
    }

    mutating func fp12<T: PairingTower>(_: T.Type = T.self) -> TowerFp12<T> {
      TowerFp12(TowerFp6(fp2(), fp2(), fp2()), TowerFp6(fp2(), fp2(), fp2()))
    }
  }

  func hexOfCanonical<M: MontgomeryModulus>(_ a: MontgomeryField<M>) -> String {
    let c = a.canonicalLimbs
    return (0..<M.LimbArray.count).reversed().map { i in
      let s = String(c[i], radix: 16)
      return String(repeating: "0", count: 16 - s.count) + s
    }.joined()
  }

  @Suite struct GenericFieldTests {
    /// The chain `a ← a b + a - b²` run 1000 times by the hand-unrolled
    /// per-curve fields this generic one replaced gave these values.
    @Test func matchesTheReplacedImplementations() {
      func chain<M: MontgomeryModulus>(_: M.Type) -> String {
        var a = MontgomeryField<M>(small: 12345)
        let b = MontgomeryField<M>(small: 0xdead_beef_cafe)
        for _ in 0..<1000 { a = a * b + a - b.squared() }
        return hexOfCanonical(a)
      }
      #expect(
        chain(BN254.BaseModulus.self)
          == "080527029723f58bf55db7923ada6e5bc692d1dec31a9182ffa3d887530fd5dc")
      #expect(
        chain(BLS12381.BaseModulus.self)
          == "1649fe281e09eaadbc6fbf7dde60fccb5bca591a3f8d015012940e1c33b649c2"
          + "91956c8b14136c77c0dd0b27a1c73a0f")
    }

    /// BN254 products, sums and differences against UInt256's modular arithmetic.
    @Test func bn254AgreesWithUInt256() {
      let p = UInt256(hex: "0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47")!
      var stream = ElementStream(state: 1)
      func integer(_ a: BN254.Fp) -> UInt256 { UInt256(hex: "0x" + hexOfCanonical(a))! }
      for _ in 0..<200 {
        let a: BN254.Fp = stream.element()
        let b: BN254.Fp = stream.element()
        let (x, y) = (integer(a), integer(b))
        #expect(integer(a * b) == x.mulMod(y, p))
        #expect(integer(a + b) == x.addMod(y, p))
        #expect(integer(a - b) == x.addMod(p &- y, p))
        #expect(integer(-a) == (x == .zero ? .zero : p &- x))
      }
    }

    @Test func fieldIdentities() {
      func check<M: MontgomeryModulus>(_: M.Type) {
        var stream = ElementStream(state: 7)
        for _ in 0..<20 {
          let a: MontgomeryField<M> = stream.element()
          let b: MontgomeryField<M> = stream.element()
          #expect((a + b).squared() == a.squared() + (a * b).doubled() + b.squared())
          #expect(a * a.inverse() == .one)
          #expect(a.squared().squareRoot().map { $0 == a || $0 == -a } == true)
          #expect(a.squared().isSquare)
          // Exactly one of ±a is the lexicographically larger root.
          #expect(a.isLexicographicallyLargest != (-a).isLexicographicallyLargest)
          // Encoding round trip.
          var bytes = [UInt8](repeating: 0, count: 8 * M.LimbArray.count)
          a.write(to: &bytes, at: 0, width: bytes.count)
          let back = bytes.withUnsafeBufferPointer {
            MontgomeryField<M>(bigEndian: $0, at: 0, width: $0.count)
          }
          #expect(back == a)
        }
        #expect(MontgomeryField<M>.zero.inverse() == .zero)
        // p itself is not a valid encoding.
        var p = [UInt8](repeating: 0, count: 8 * M.LimbArray.count)
        for i in 0..<M.LimbArray.count {
          for j in 0..<8 {
            p[p.count - 1 - 8 * i - j] = UInt8(truncatingIfNeeded: M.modulus[i] >> (8 * UInt64(j)))
          }
        }
        #expect(
          p.withUnsafeBufferPointer { MontgomeryField<M>(bigEndian: $0, at: 0, width: $0.count) }
            == nil)
      }
      check(BN254.BaseModulus.self)
      check(BLS12381.BaseModulus.self)
    }

    @Test func windowedNonAdjacentFormReconstructs() {
      for k: UInt128 in [
        1, 2, 7, 0xd201_0000_0001_0000, UInt128(BN254.x), 6 * UInt128(BN254.x) + 2,
      ] {
        for width in 2...5 {
          let digits = windowedNonAdjacentForm(k, width: width)
          var value: Int128 = 1
          for d in digits {
            #expect(d == 0 || (d % 2 != 0 && Int(d.magnitude) < 1 << (width - 1)))
            value = 2 * value + Int128(d)
          }
          #expect(value == Int128(k))
        }
      }
    }
  }

  @Suite struct ExtensionTowerTests {
    /// Generic checks for one curve's tower.
    func checkTower<T: PairingTower>(_: T.Type) {
      var stream = ElementStream(state: 42)
      let a: TowerFp12<T> = stream.fp12()
      let b: TowerFp12<T> = stream.fp12()
      #expect(a * a.inverse() == .one)
      #expect(a.squared() == a * a)
      #expect((a * b).frobenius() == a.frobenius() * b.frobenius())
      #expect(a.frobenius().frobenius() == a.frobenius2())
      #expect(a.frobenius2().frobenius() == a.frobenius3())
      #expect(a.c0.squared() == a.c0 * a.c0)
      let x: TowerFp2<T> = stream.fp2()
      #expect(T.mulByTwistB(x) == x * T.twistB)
      #expect(x.squared() == x * x)
      // Cyclotomic subgroup: Granger–Scott squaring and the windowed power.
      let f = a.easyPartOfFinalExponentiation()
      #expect(f * f.conjugate == .one)
      #expect(f.cyclotomicSquared() == f.squared())
      let e: UInt128 = 0x1234_5678_9abc_def1
      var plain = f
      for d in windowedNonAdjacentForm(e, width: 2) {
        plain = plain.squared()
        if d == 1 { plain = plain * f } else if d == -1 { plain = plain * f.inverse() }
      }
      for width in 2...5 {
        #expect(f.cyclotomicPower(digits: windowedNonAdjacentForm(e, width: width)) == plain)
      }
      // Sparse line products equal full products by the line as an Fp12 element.
      let (l0, l1, l2): (TowerFp2<T>, TowerFp2<T>, TowerFp2<T>) = (
        stream.fp2(), stream.fp2(), stream.fp2()
      )
      let dLine = TowerFp12<T>(TowerFp6(l0, .zero, .zero), TowerFp6(l1, l2, .zero))
      #expect(a.mulByDTypeLine(l0, l1, l2) == a * dLine)
      let mLine = TowerFp12<T>(TowerFp6(l0, l1, .zero), TowerFp6(.zero, l2, .zero))
      #expect(a.mulByMTypeLine(l0, l1, l2) == a * mLine)
    }

    @Test func bn254Tower() { checkTower(BN254.Tower.self) }
    @Test func bls12381Tower() { checkTower(BLS12381.Tower.self) }
  }

  @Suite struct PointAndPairingTests {
    /// e(P, Q) (the reduced pairing, for BLS12-381 its cube).
    func bnPairing(_ p: BN254.G1Point, _ q: BN254.G2Point) -> BN254.Fp12 {
      BN254.finalExponentiation(BN254.millerLoop([(p: p.affine, q: q.affine)]))
    }
    func blsPairing(_ p: BLS12381.G1Point, _ q: BLS12381.G2Point) -> BLS12381.Fp12 {
      BLS12381.finalExponentiation(BLS12381.millerLoop([(p: p.affine, q: q.affine)]))
    }

    /// `f^k` by plain square-and-multiply.
    func power<T: PairingTower>(_ f: TowerFp12<T>, _ k: UInt64) -> TowerFp12<T> {
      var result = TowerFp12<T>.one
      for bit in stride(from: 63, through: 0, by: -1) {
        result = result.squared()
        if (k >> UInt64(bit)) & 1 == 1 { result = result * f }
      }
      return result
    }

    @Test func bilinearityAndMultiPairing() {
      let (a, b): (UInt64, UInt64) = (1009, 65537)
      // BN254: G1 = (1, 2); G2 from the EIP-197 generator.
      let g1 = BN254.G1Point(affine: (BN254.Fp(small: 1), BN254.Fp(small: 2)))
      let g2 = BN254.G2Point(affine: BN254.g2GeneratorForTests)
      let bnBase = bnPairing(g1, g2)
      #expect(bnBase != .one)
      #expect(bnPairing(g1.multiplied(by: [a]), g2.multiplied(by: [b])) == power(bnBase, a * b))
      let bnPairs = [
        (p: g1.multiplied(by: [a]).affine, q: g2.affine),
        (p: g1.affine, q: g2.multiplied(by: [b]).affine),
      ]
      #expect(
        BN254.finalExponentiation(BN254.millerLoop(bnPairs))
          == bnPairing(g1.multiplied(by: [a]), g2) * bnPairing(g1, g2.multiplied(by: [b])))

      let h1 = BLS12381.G1Point(affine: BLS12381.g1Generator)
      let h2 = BLS12381.G2Point(affine: BLS12381.g2Generator)
      let blsBase = blsPairing(h1, h2)
      #expect(blsBase != .one)
      #expect(blsPairing(h1.multiplied(by: [a]), h2.multiplied(by: [b])) == power(blsBase, a * b))
      let blsPairs = [
        (p: h1.multiplied(by: [b]).affine, q: h2.affine),
        (p: h1.affine, q: h2.multiplied(by: [a]).affine),
      ]
      #expect(
        BLS12381.finalExponentiation(BLS12381.millerLoop(blsPairs))
          == blsPairing(h1.multiplied(by: [b]), h2) * blsPairing(h1, h2.multiplied(by: [a])))
    }

    /// The projective doubling and addition of the Miller loop move the
    /// twist point like the Jacobian group law, and the loop ends at [|x|] Q.
    @Test func twistStepsFollowTheGroupLaw() {
      let q = BLS12381.G2Point(affine: BLS12381.g2Generator)
      var t = TwistPoint<BLS12381.Tower>(x: q.x, y: q.y, z: .one)
      _ = t.double()
      #expect(t.jacobian.isEqual(to: q.doubled()))
      _ = t.add((q.x, q.y))
      #expect(t.jacobian.isEqual(to: q.doubled() + q))
      let end = MillerLoop<BLS12381.Tower>.prepare((q.x, q.y), digits: BLS12381.absXDigits).end
      #expect(end.jacobian.isEqual(to: q.multiplied(bySmall: BLS12381.absX)))
    }

    @Test func scalarMultiplicationVariants() {
      let g1 = BLS12381.G1Point(affine: BLS12381.g1Generator)
      let k: [UInt64] = [
        0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210, 0x1111_2222_3333_4444, 0x0fed_cba9_8765_4321,
      ]
      let l: [UInt64] = [99, 0, 0, 0x7000_0000_0000_0000]
      let p = g1.multiplied(by: [12345])
      let naive = p.multiplied(by: k) + g1.multiplied(by: l)
      #expect(BLS12381.sumOfG1Multiples([p, g1], [k, l]).isEqual(to: naive))
      #expect(JacobianPoint.sumOfMultiples([p, g1], [k, l]).isEqual(to: naive))
      // φ acts on G1 as -x².
      let x2 = BLS12381.absX.multipliedFullWidth(by: BLS12381.absX)
      #expect(BLS12381.phi(p).isEqual(to: -p.multiplied(by: [x2.low, x2.high])))
      // Signed digits with mixed additions (affine base) and general ones.
      let digits = nonAdjacentForm(UInt128(BN254.x))
      let q = BN254.G2Point(affine: BN254.g2GeneratorForTests)
      #expect(q.multiplied(byDigits: digits).isEqual(to: q.multiplied(by: [BN254.x])))
      let q3 = q.doubled() + q
      #expect(q3.multiplied(byDigits: digits).isEqual(to: q3.multiplied(by: [BN254.x])))
    }
  }

  @Suite struct BN254SubgroupTests {
    /// Random points of the twist (almost all outside G2, whose cofactor is
    /// 2p - r) and their images in G2 (multiplied by the cofactor): the
    /// Miller-loop-based test agrees with `r Q == O`.
    @Test func millerLoopEndTestMatchesDefinition() {
      var stream = ElementStream(state: 5)
      let cofactor: [UInt64] = [
        0x345f_2299_c0f9_fa8d, 0x06ce_ecda_572a_2489, 0xb850_45b6_8181_585e, 0x3064_4e72_e131_a029,
      ]
      var found = 0
      while found < 6 {
        let x: BN254.Fp2 = stream.fp2()
        guard let y = (x.squared() * x + BN254.twistB).squareRoot() else { continue }
        found += 1
        #expect(!BN254.isInG2SubgroupSlow((x, y)))
        #expect(!BN254.isInG2Subgroup((x, y)))
        let cleared = BN254.G2Point(affine: (x, y)).multiplied(by: cofactor).affine
        #expect(BN254.isInG2SubgroupSlow(cleared))
        #expect(BN254.isInG2Subgroup(cleared))
      }
    }
  }

  extension BN254 {
    /// The G2 generator of EIP-197.
    static var g2GeneratorForTests: (x: Fp2, y: Fp2) {
      let bytes = Hex.decode(
        "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"
          + "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
          + "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b"
          + "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa")!
      return try! bytes.withUnsafeBufferPointer { try decodeG2($0, at: 0) }
    }
  }
#endif
